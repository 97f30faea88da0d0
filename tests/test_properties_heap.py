"""Random command sequences on the simulator (hypothesis, stateful).

After every command: no internal error; every refcount equals the references from
containers plus root bindings plus gc.garbage holds; each tracked object is on exactly
one generation list; no count is negative; a freed object never comes back; a command
that failed changed nothing. After every full collection no cyclic garbage is left that
the collector could see.
"""

import random

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from gcsh.tools import fuzzing
from gcsh.backends.sim import invariants
from gcsh.backends.sim.kernel.layout import FREED
from heapcheck import MODELS, atomic, session, snapshot

NAMES = st.sampled_from(fuzzing.NAMES)
ITEMS = st.lists(st.sampled_from(fuzzing.NAMES + ("1", "-2", '"s"')), max_size=3)
KINDS = st.sampled_from(["list", "list", "dict", "set", "tuple", "object", "finalizer", "legacy", "int", "str"])
FLAGS = st.sampled_from(["0", "DEBUG_STATS", "+DEBUG_COLLECTABLE", "+DEBUG_SAVEALL", "-DEBUG_SAVEALL",
                         "DEBUG_LEAK", "-DEBUG_LEAK"])


class HeapMachine(RuleBasedStateMachine):
    checkpoints = True  # False: every command must be atomic by itself, with no undo behind it

    def __init__(self):
        super().__init__()
        self.s = None
        self.heap = None
        self.freed: dict[int, tuple[str, str]] = {}  # id -> (kind, name) when it was freed
        self.commands = 0

    @initialize(model=st.sampled_from(MODELS), threshold=st.sampled_from([1, 2, 3, 5, 700]))
    def start(self, model, threshold):
        self.s = session(model)
        if not self.checkpoints:
            self.s.sim.checkpoint = lambda command, words: None
        self.do(f"threshold {threshold}")

    # ------------------------------------------------------------ running one command

    def do(self, text: str) -> bool:
        before = snapshot(self.s)
        failures = self.s.failures
        self.s.run_line(text, "<machine>", 1)  # an internal error escapes here and fails the test
        self.commands += 1
        if any(part.split()[:1] in (["undo"], ["redo"]) for part in text.split(";")):
            self.freed = {}  # undo brings freed objects back, on purpose: what is freed now is what counts
        ok = self.s.failures == failures
        if not ok and atomic(text):
            assert snapshot(self.s) == before, f"{text!r} failed but changed the heap"
        return ok

    # ------------------------------------------------------------ the rules

    @rule(name=NAMES, kind=KINDS, items=ITEMS, resurrect=st.booleans())
    def alloc(self, name, kind, items, resurrect):
        self.do(f"alloc {name} {kind} {' '.join(items)}" + (" --resurrect" if resurrect else ""))

    @rule(name=NAMES, referent=NAMES, callback=st.booleans())
    def weakref(self, name, referent, callback):
        self.do(f"weakref {name} {referent}" + (" --callback" if callback else ""))

    @rule(src=NAMES, dst=st.sampled_from(fuzzing.NAMES + ("7", '"v"')), key=st.sampled_from(["", "k", "x"]))
    def link(self, src, dst, key):
        self.do(f"link {src} {dst} {key}")

    @rule(src=NAMES, dst=NAMES)
    def unlink(self, src, dst):
        self.do(f"unlink {src} {dst}")

    @rule(names=st.lists(NAMES, min_size=1, max_size=3))
    def delete(self, names):
        self.do("del " + " ".join(names))

    @rule(gen=st.sampled_from(["", "0", "1", "2"]), trace=st.booleans())
    def collect(self, gen, trace):
        full = gen in ("", "2")
        if self.do(f"collect {gen}" + (" --trace" if trace else "")) and full:
            left = invariants.cyclic_garbage(self.s.sim.heap)
            assert left == [], f"a full collection left cyclic garbage: {left}"

    @rule(t0=st.sampled_from(["0", "1", "2", "4", "700"]), t1=st.sampled_from(["", "0", "1", "3"]))
    def threshold(self, t0, t1):
        self.do(f"threshold {t0} {t1}")

    @rule(flag=FLAGS)
    def flags(self, flag):
        self.do(f"flags {flag}")

    @rule(word=st.sampled_from(["enable", "disable", "freeze", "unfreeze", "garbage clear", "garbage",
                                "callbacks on", "callbacks off", "count", "stats", "objects", "heap", "cycles"]))
    def plain(self, word):
        self.do(word)

    @rule(word=st.sampled_from(["referrers", "referents", "tracked", "finalized", "why", "graph"]), name=NAMES)
    def about(self, word, name):
        self.do(f"{word} {name}")

    @rule(seed=st.integers(0, 2 ** 32))
    def any_command(self, seed):
        """A statement of any command the registry knows, with its declared arguments (or junk)."""
        self.do(fuzzing.statement(random.Random(seed), fuzzing.sim_commands(), junk=0.2))

    @precondition(lambda self: self.s is not None)
    @rule()
    def save_and_load(self):
        import tempfile
        with tempfile.TemporaryDirectory() as place:
            before = snapshot(self.s)
            assert self.do(f'save "{place}/s.json"') and self.do(f'load "{place}/s.json"')
            assert snapshot(self.s) == before

    # ------------------------------------------------------------ after every step

    @invariant()
    def heap_is_sound(self):
        if self.s is not None:
            assert invariants.problems(self.s.sim.heap) == []

    @invariant()
    def freed_objects_never_come_back(self):
        if self.s is None:
            return
        heap = self.s.sim.heap
        if heap is not self.heap:  # reset, model or load: a heap of its own
            self.heap, self.freed = heap, {}
        for op, (kind, name) in list(self.freed.items()):
            # (a freed object's name may be taken by a new object: the freed one is then `_kind<id>`)
            assert heap.gen[op] == FREED and heap.kind_of(op) == kind, f"freed object {name} (id {op}) came back"
        for op, g in enumerate(heap.gen):
            if g == FREED and op not in self.freed:
                self.freed[op] = (heap.kind_of(op), heap.name_of(op))


@pytest.fixture(autouse=True)
def scratch(tmp_path, monkeypatch):
    """Generated commands write files (save, export): run them in a directory of their own."""
    monkeypatch.chdir(tmp_path)
    fuzzing.prepare_directory(str(tmp_path))


SETTINGS = settings(max_examples=100, stateful_step_count=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


class HandlersAlone(HeapMachine):
    checkpoints = False


TestRandomSequences = HeapMachine.TestCase
TestRandomSequences.settings = SETTINGS
TestRandomSequencesWithoutUndo = HandlersAlone.TestCase
TestRandomSequencesWithoutUndo.settings = SETTINGS


def test_the_machine_catches_a_broken_refcount():
    """The checks above can fail: corrupt one refcount and the invariant names it."""
    s = session()
    s.run_text("alloc a; alloc b; link a b")
    heap = s.sim.heap
    heap.refcnt[heap.find("b")] += 1
    assert invariants.problems(heap) == ["b has refcount 3 but 2 references"]


@pytest.mark.parametrize("model", MODELS)
def test_no_cyclic_garbage_after_a_full_collection_of_a_busy_heap(model):
    s = session(model)
    s.run_lines(fuzzing.program(random.Random(7), 300, junk=0.0), "<busy>")
    s.run_text("flags 0; collect")
    heap = s.sim.heap
    assert invariants.cyclic_garbage(heap) == [] and invariants.problems(heap) == []
