"""What differs between the CPython versions the simulator models, as data.

Every version difference lives here; the heap and collector read these fields
instead of comparing version numbers. 3.10-3.13 are checked against the real
interpreters natively, 3.13, 3.14.2 and 3.15 also in WebAssembly
(tests/test_differential.py and tests/test_scenarios.py); 3.14.0 and 3.14
(3.14.5 and later, the generational collector again) against CPython's source
and changelog only (no interpreter of them runs here).

CPython 3.14.0-3.14.4 shipped an incremental collector (a young generation and an
old one in two spaces, collected in increments); 3.14.5 went back to 3.13's
generational one. A user names the release they run: `resolve` maps every 3.14.N
to the model of its collector.
"""

from __future__ import annotations

import sys

from .. import gcargs

# Error messages, word for word; the one that changed between versions is in the profiles.
_OLD_SET_THRESHOLD = "set_threshold() takes at least 1 argument (0 given)"
_NEW_SET_THRESHOLD = "gc.set_threshold requires 1 to 3 arguments"

class Model:
    __slots__ = ("version", "thresholds", "instance_dict", "deferred_collection", "set_threshold_error",
                 "dicts_always_tracked", "tuples_untracked_at_creation", "list_free_list", "dict_free_list",
                 "tuple_free_list", "tuple_kept_up_to", "tuple_reused_up_to", "shared_keys_max",
                 "weakref_clear_tuple_from", "checked", "incremental", "count_tracked", "done_line",
                 "startup_heap", "weakrefs_cleared_late", "stats_candidates", "releases")

    def __init__(self, version: str, thresholds: tuple[int, int, int], *, instance_dict: bool,
                 deferred_collection: bool, set_threshold_error: str, dicts_always_tracked: bool = False,
                 tuples_untracked_at_creation: bool = False, list_free_list: int = 80, dict_free_list: int = 80,
                 tuple_free_list: int = 2000, tuple_kept_up_to: int = 20, tuple_reused_up_to: int = 20,
                 shared_keys_max: int = 30, weakref_clear_tuple_from: int = 2,
                 checked: str = "the real interpreter", incremental: bool = False, count_tracked: bool = False,
                 done_line: str = "inside", startup_heap: int = 20_000, weakrefs_cleared_late: bool = False,
                 stats_candidates: bool = False, releases: str = ""):
        self.version = version
        self.thresholds = thresholds
        # 3.10 keeps instance attributes in a separate dict object (a GC object of its own)
        self.instance_dict = instance_dict
        # 3.12+ only schedule an automatic collection; it runs at the next safe point
        # (for gcsh: the end of the current command) after choosing the generation again
        self.deferred_collection = deferred_collection
        self.set_threshold_error = set_threshold_error
        # 3.14: dicts are tracked from birth and never untracked
        self.dicts_always_tracked = dicts_always_tracked
        # 3.14.1+: tuples whose items cannot be tracked are created untracked
        self.tuples_untracked_at_creation = tuples_untracked_at_creation
        # Free lists: how many dead lists and dicts CPython keeps for reuse, and how many
        # tuples of each length up to tuple_kept_up_to (gc.collect(2) empties them). A tuple
        # allocation takes one from its free list only up to tuple_reused_up_to items: 3.11 and
        # 3.12 keep 20-item tuples (index < PyTuple_NFREELISTS) but never reuse them
        # (size < PyTuple_MAXSAVESIZE), so their free list only fills; 3.10 keeps 19, 3.13+ reuse 20
        self.list_free_list = list_free_list
        self.dict_free_list = dict_free_list
        self.tuple_free_list = tuple_free_list
        self.tuple_kept_up_to = tuple_kept_up_to
        self.tuple_reused_up_to = tuple_reused_up_to
        # 3.11+: a class's shared keys start with room for SHARED_KEYS_MAX_SIZE names; each new
        # instance takes one slot while more than one is left, each new name one more; a name that
        # finds no room gives the instance a real __dict__ (make_dict_from_instance_attributes)
        self.shared_keys_max = shared_keys_max
        # A refcount death gathers the weakrefs that have callbacks in a tuple when there are at
        # least this many of them (3.10-3.12: two; 3.13: one); the tuple is allocated like any other
        self.weakref_clear_tuple_from = weakref_clear_tuple_from
        self.checked = checked  # what the profile was checked against
        # 3.14.0-3.14.4: the incremental collector (young, old[visited], old[pending]; see incremental.py)
        self.incremental = incremental
        # 3.14.1-3.14.4 (gh-139951): count0 is +1 when an object is tracked and -1 when it is untracked
        # (never below 0), so free lists do not matter to it; before, +1 per GC allocation
        self.count_tracked = count_tracked
        # DEBUG_STATS's `gc: done` line: "inside" the collection (before the stop callbacks),
        # "after" the stop callbacks (3.14.1-3.14.4), or "" not at all (3.14.0, gh-140358)
        self.done_line = done_line
        # the interpreter's own GC objects, which the incremental collector's heap_size counts
        # (its pace: work_to_do grows by heap_size / 10 / threshold1 per increment)
        self.startup_heap = startup_heap
        # 3.15 (gh-135552): weakrefs without callbacks to the garbage are cleared after the finalizers
        self.weakrefs_cleared_late = weakrefs_cleared_late
        # 3.15: `candidates` and `duration` in the callbacks' info and in get_stats()
        self.stats_candidates = stats_candidates
        self.releases = releases  # the CPython releases this model stands for, as a user reads it

    @property
    def name(self) -> str:
        return self.version

    @property
    def inline_values(self) -> bool:
        """3.11+: attributes live in the instance, visited in the order of the class's shared keys."""
        return not self.instance_dict

    @property
    def free_lists(self) -> dict[str, int]:
        return {"list": self.list_free_list, "dict": self.dict_free_list, "tuple": self.tuple_free_list}

    # what gc.set_threshold and gc.set_debug refuse: the same in every version
    check_threshold = staticmethod(gcargs.check_threshold)
    check_debug = staticmethod(gcargs.check_debug)

_INCREMENTAL = dict(instance_dict=False, deferred_collection=True, set_threshold_error=_NEW_SET_THRESHOLD,
                    weakref_clear_tuple_from=1, dicts_always_tracked=True, incremental=True)

MODELS: dict[str, Model] = {
    "3.10": Model("3.10", (700, 10, 10), instance_dict=True, deferred_collection=False,
                  set_threshold_error=_OLD_SET_THRESHOLD, tuple_kept_up_to=19, tuple_reused_up_to=19),
    "3.11": Model("3.11", (700, 10, 10), instance_dict=False, deferred_collection=False,
                  set_threshold_error=_OLD_SET_THRESHOLD, tuple_reused_up_to=19),
    "3.12": Model("3.12", (700, 10, 10), instance_dict=False, deferred_collection=True,
                  set_threshold_error=_OLD_SET_THRESHOLD, tuple_reused_up_to=19),
    "3.13": Model("3.13", (2000, 10, 10), instance_dict=False, deferred_collection=True,
                  set_threshold_error=_NEW_SET_THRESHOLD, weakref_clear_tuple_from=1),
    "3.14": Model("3.14", (2000, 10, 10), instance_dict=False, deferred_collection=True,
                  set_threshold_error=_NEW_SET_THRESHOLD, weakref_clear_tuple_from=1, dicts_always_tracked=True,
                  tuples_untracked_at_creation=True, checked="CPython's source and changelog only", releases="3.14.5 and later"),
    "3.14.0": Model("3.14.0", (2000, 10, 0), done_line="", checked="CPython's source only",
                    releases="3.14.0 (incremental collector)", **_INCREMENTAL),
    "3.14.2": Model("3.14.2", (2000, 10, 0), count_tracked=True, done_line="after", tuples_untracked_at_creation=True,
                    checked="CPython 3.14.2 in WebAssembly", releases="3.14.1-3.14.4 (incremental collector)",
                    **_INCREMENTAL),
    "3.15": Model("3.15", (2000, 10, 10), instance_dict=False, deferred_collection=True,
                  set_threshold_error=_NEW_SET_THRESHOLD, weakref_clear_tuple_from=1, dicts_always_tracked=True,
                  tuples_untracked_at_creation=True, weakrefs_cleared_late=True, stats_candidates=True,
                  checked="CPython 3.15.0rc1 in WebAssembly"),
}


def resolve(version: str) -> str | None:
    """The model of a CPython release as a user names it: a model's own name, or any 3.14.N
    (3.14.1-3.14.4 run 3.14.2's collector, 3.14.5 and later the generational one again)."""
    if version in MODELS:
        return version
    parts = version.split(".")
    if len(parts) == 3 and parts[:2] == ["3", "14"] and parts[2].isdigit() and parts[2] == str(int(parts[2])):
        n = int(parts[2])
        return "3.14.0" if n == 0 else "3.14.2" if n <= 4 else "3.14"
    return None


def default_model() -> str:
    """The running interpreter's version, or the nearest one modelled."""
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if here in MODELS:
        return here
    return "3.10" if sys.version_info < (3, 10) else "3.13"
