"""Run by tests/test_live_attributes.py under each real interpreter: labels the references of
instances of every storage kind and prints what changed in the heap (JSON)."""

import gc
import json
import sys

from gcsh.backends.live.attributes import labels


class Parser:
    def __init__(self, doc):
        self.doc = doc
        self.tokens = []


class Doc:
    def __init__(self):
        self.parser = Parser(self)
        self.title = "t"

    def __del__(self):
        pass


class Slotted:
    __slots__ = ("left", "right", "unset")

    def __init__(self, left):
        self.left = left
        self.right = [left]


class Guarded(Doc):
    def __getattr__(self, name):  # would run on a missing name: never read
        raise AssertionError(name)


def heap_state():
    return gc.get_count() + (len(gc.get_objects()),)


def moved(first, second):
    return [b - a for a, b in zip(first, second)]


def label_all(things):
    for name, obj in things.items():
        refs = gc.get_referents(obj)
        labels(obj, refs, ["extra"])
        del refs


def main():
    gc.disable()
    doc, slotted, guarded = Doc(), None, Guarded()
    slotted = Slotted(doc)
    built = Doc()
    built.__dict__  # a dict CPython already built: labels read it
    outside = Doc()
    outside.extra = {"k": outside}  # an attribute the class's code does not name
    things = {"doc": doc, "parser": doc.parser, "slotted": slotted, "guarded": guarded, "built": built,
              "outside": outside}
    label_all(things)  # once first: what Python caches on first use (method caches) is not the heap
    first = heap_state()
    second = heap_state()  # nothing between: what holding the first measurement moves
    before = heap_state()
    for _ in range(3):
        label_all(things)
    after = heap_state()
    same = moved(first, second) == moved(before, after)
    found = {name: labels(obj, gc.get_referents(obj), ["extra"]) for name, obj in things.items()}
    fresh = Doc()
    probe_before = len(gc.get_objects())
    fresh.__dict__
    control = len(gc.get_objects()) - probe_before  # what reading __dict__ does (3.11+: one more)
    print(json.dumps({"version": list(sys.version_info[:2]), "count_same": same and moved(first, second)[:3] == moved(before, after)[:3],
                      "objects_same": moved(first, second)[3] == moved(before, after)[3], "labels": found, "control": control}))


main()
