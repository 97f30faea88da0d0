"""The same command files on both backends: wherever both can express it, the user sees the same.

The simulator models the running interpreter by default, so its answers and the real gc
module's must agree: what `del` and `collect` free, what gc.collect returns, refcounts,
generations, tracking, referrers and referents, gc.garbage, the events of finalizers and
callbacks. A file is compared command by command up to the first point where the two cannot
be compared any more: a command that one backend can do and the other cannot (the simulator's
`model`, `legacy` or `--trace`; the live backend's `py`), or an automatic collection (in the
real process gcsh's own objects count towards the thresholds too, so it comes at another moment).
"""

from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.gcsh"))

# What each command's result shows that both backends can express.
FIELDS = {
    "alloc": ("name", "kind", "type", "refcount", "generation", "tracked", "finalized", "bound"),
    "weakref": ("name", "kind", "type", "refcount", "generation", "tracked", "bound"),
    "link": ("dst", "key", "refcount"),
    "unlink": ("dst", "key", "refcount", "freed"),
    "del": ("freed", "alive"),
    "collect": ("generation", "unreachable", "collected", "uncollectable", "freed"),
    "referrers": ("referrers",),
    "referents": ("referents",),
    "tracked": ("name", "tracked"),
    "finalized": ("name", "finalized"),
    "objects": ("objects",),
    "garbage": ("garbage", "freed"),
    "flags": ("flags", "value"),
    "isenabled": ("enabled",),
    "enable": ("enabled",),
    "disable": ("enabled",),
    "callbacks": ("callbacks",),
    "heap": ("objects",),
}
HEAP_ROW = ("name", "type", "refcount", "generation", "tracked", "finalized", "bound")

SCRIPTS = {
    "cycle and cascade": """
        alloc a; alloc b; alloc c; link a b; link b a; link b c
        del c; referrers c; del a b; heap; collect 0; heap
    """,
    "generations": """
        alloc a; alloc b; link a a; collect 0; objects 1; alloc c; link c a; collect 1; objects 2
        del a c; collect 0; collect; objects
    """,
    "tracking": """
        alloc d dict; tracked d; alloc l; link d l; tracked d; alloc t tuple 1 's'; tracked t
        collect 0; tracked t; alloc u tuple l; collect; tracked u; referents u; referents d
    """,
    "finalizers": """
        alloc f finalizer; alloc g finalizer; link f g; link g f; del f g; collect
        alloc r finalizer --resurrect; alloc o object; link r o; link o r; del r o; collect
        finalized r; referents r; del r; collect
    """,
    "weakrefs": """
        alloc x object; link x x; weakref w x --callback; weakref v x; del x; collect; tracked w
    """,
    "garbage": """
        flags DEBUG_SAVEALL; alloc a; alloc b; link a b; link b a; del a b; collect; garbage
        flags 0; garbage clear; collect; garbage
    """,
    "callbacks": """
        callbacks on; alloc a; link a a; del a; collect 0; callbacks off; collect 0
    """,
    "settings": """
        flags DEBUG_STATS; flags +DEBUG_SAVEALL; flags -DEBUG_STATS; flags 0; disable; isenabled; enable
    """,
}


def run(gcsh, backend: str, text: str, quiet: bool = False):
    """The answers to TEXT (without `model`: the simulator models this interpreter). A collection
    first takes away what the interpreter left behind; QUIET raises threshold 0 so that no
    automatic collection comes (gcsh's own objects count towards it in the real process)."""
    lines = [line for line in text.splitlines() if not line.strip().startswith("model")]
    first = ["collect"] + (["threshold 1000000"] if quiet else [])
    r = gcsh("--backend", backend, "--json", "--keep-going", "-c", "\n".join(first + lines))
    return r.json[len(first):]


def comparable(sim: list[dict], live: list[dict]) -> list[tuple[dict, dict]]:
    """The pairs of answers to compare: up to the first that cannot be."""
    pairs = []
    for a, b in zip(sim, live):
        if a["command"] != b["command"] or a["ok"] != b["ok"] or a.get("automatic") or b.get("automatic"):
            break
        pairs.append((a, b))
    return pairs


def shown(answer: dict) -> dict:
    """What the user sees of an answer that both backends can express."""
    result = answer.get("result", {})
    out = {k: result.get(k) for k in FIELDS.get(answer["command"], ())}
    if answer["command"] == "heap":  # the simulator shows a weakref's callback as an object of its own
        out["objects"] = [{k: row[k] for k in HEAP_ROW} for row in result["objects"] if row["type"] != "function"]
    if answer["command"] == "objects":
        out["objects"] = [name for name in result["objects"] if not name.endswith(".__callback__")]
    events = [e for e in answer.get("events", []) if not e.startswith("automatic")]
    return {"ok": answer["ok"], **out, **({"events": events} if events else {})}


def check(gcsh, text: str, minimum: int, quiet: bool = False) -> int:
    pairs = comparable(run(gcsh, "sim", text, quiet), run(gcsh, "live", text, quiet))
    for number, (a, b) in enumerate(pairs, 1):
        assert shown(a) == shown(b), f"answer {number} ({a['command']}) differs"
    assert len(pairs) >= minimum, f"only {len(pairs)} answers could be compared"
    return len(pairs)


@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_agree(gcsh, name):
    text = SCRIPTS[name].replace(";", "\n")
    check(gcsh, text, minimum=len([line for line in text.splitlines() if line.strip()]), quiet=True)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_files_agree_as_far_as_both_can_go(gcsh, path):
    check(gcsh, path.read_text(), minimum=0)


def test_the_examples_are_mostly_comparable(gcsh):
    compared = sum(check(gcsh, path.read_text(), minimum=0) for path in EXAMPLES)
    assert compared >= 3 * len(EXAMPLES)
