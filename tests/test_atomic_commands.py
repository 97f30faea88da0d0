"""A command that fails changes nothing: the whole heap is compared before and after.

Each failing command runs twice: as users run it (the runner undoes a failed command
when it took a checkpoint), and with no checkpoint at all, so that each handler is seen
to check everything before it changes anything.
"""

import random

import pytest

from gcsh.tools import fuzzing
from gcsh.commands.registry import all_commands
from heapcheck import MODELS, RICH, atomic, run, session, snapshot, sound

# Mistakes a user makes, on the RICH heap (names: l list, d dict, s set, t tuple, a b objects,
# w v weakrefs, g legacy in gc.garbage, r2 dict, i int made below).
FAILING = [
    "alloc l", "alloc x set l", "alloc x set d", "alloc x tuple", "alloc x int 1", "alloc x list nobody",
    "alloc x list --resurrect", "alloc x str l", "alloc 1x", "alloc x nokind",
    "weakref x l", "weakref x d", "weakref x nobody", "weakref l s", "weakref x i",
    "link t l", "link i l", "link s l", "link l nobody", "link nobody l", "link d l \"not a key\" extra",
    "link s d",
    "unlink l d", "unlink nobody l", "unlink l nobody", "unlink i l",
    "del nobody", "del l l", "del l nobody", "del g",
    "collect 3", "collect -1", "collect x", "collect 0 1",
    "threshold x", "threshold 1 2 3 4", "set_threshold", "threshold 1.5",
    "flags BOGUS", "flags -1", "flags +NOPE", "set_debug",
    "objects 3", "objects -2", "objects x",
    "referrers nobody", "referents nobody", "referrers l nobody", "tracked nobody", "finalized nobody",
    "tracked", "is_tracked",
    "garbage bogus", "callbacks maybe", "model 9.9", "backend nope", "enable now", "freeze 1",
    "source missing.gcsh", "source .", "source bad.gcsh", "load missing.json", "load bad.json", "load .",
    "save .", "save nodir/x.json", "help nope",
    "ring l 5", "chain c 0", "tree tr -1 2", "rings k -5 -5", "random rg -3", "chain c 99999999999",
    "graph nobody", "export out.xyz", "export . l", "why nobody", "whatif del nobody", "sccs extra",
    "quit now", "nonsense", "count 1", "get_count 1", "heap x", "disable 1", "isenabled x", "stats x",
    "unfreeze x", "freezecount x", "reset x", "view nope", "view --port 70000", "view --port x",
    "undo 0", "undo x", "redo", "redo -1",
    "clear now", "history x",
    "find nosuchtype", "find list --limit -1", "pending now", "retained nobody", "dominators nobody",
    "retained l --limit x", "retained l --limit -1", "dominators --limit -2",
]


@pytest.fixture(autouse=True)
def scratch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fuzzing.prepare_directory(str(tmp_path))


def rich(model, checkpoints=True):
    s = session(model)
    assert run(s, RICH + "alloc i int")[0]
    if not checkpoints:
        s.sim.checkpoint = lambda command, words: None
    return s


@pytest.mark.parametrize("checkpoints", [True, False], ids=["as users run it", "no checkpoint"])
@pytest.mark.parametrize("model", MODELS)
def test_every_mistake_changes_nothing(model, checkpoints):
    s = rich(model, checkpoints)
    for text in FAILING:
        before = snapshot(s)
        ok, err = run(s, text)
        assert not ok, f"{text!r} did not fail"
        assert len(err) == 1 and ": error: " in err[0], (text, err)
        assert snapshot(s) == before, f"{text!r} failed but changed the heap"
        assert sound(s) == []


def test_the_list_covers_every_command():
    """Each command of the simulator has at least one mistake above (add one for a new command)."""
    words = {text.split()[0] for text in FAILING}
    from gcsh.commands.registry import ALIASES
    covered = {ALIASES.get(w, w) for w in words}
    missing = [c.name for c in all_commands() if "sim" in c.backends and c.name not in covered]
    assert missing == []


@pytest.mark.parametrize("checkpoints", [True, False], ids=["as users run it", "no checkpoint"])
@pytest.mark.parametrize("seed", range(4))
def test_generated_mistakes_change_nothing(seed, checkpoints):
    """Registry-driven statements with junk in them, on a rich heap: the ones that fail change nothing."""
    rng = random.Random(seed)
    s = rich(MODELS[seed % len(MODELS)], checkpoints)
    commands = fuzzing.sim_commands()
    failed = 0
    for _ in range(400):
        text = fuzzing.statement(rng, commands, junk=0.5)
        before, failures = snapshot(s), s.failures
        s.run_line(text, "<test>", 1)
        if s.failures > failures and atomic(text):
            failed += 1
            assert snapshot(s) == before, f"{text!r} failed but changed the heap"
        assert sound(s) == []
    assert failed > 100  # the junk did make commands fail
