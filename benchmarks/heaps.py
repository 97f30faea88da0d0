"""The benchmark heaps: built in gcsh with bulk commands, and mirrored in CPython as real lists.

The four shapes of the request (all N objects in generation 0, automatic collection off):

* ring     one garbage cycle through all N lists (`ring r N; del r`)
* chain    a reachable chain of N lists, bound at its head (`chain c N`)
* random   a root list holding N lists, each referencing one random list (N + 1 objects)
* pairs    N/2 garbage 2-cycles (`rings k N/2 2; del k`)
"""

from __future__ import annotations

import gc
import io

from gcsh.runner import Session

SHAPES = ("ring", "chain", "random", "pairs")
SEED = 1


def commands(shape: str, n: int) -> str:
    """The gcsh commands that build SHAPE with N nodes (automatic collection off)."""
    build = {
        "ring": f"ring r {n}; del r",
        "chain": f"chain c {n}",
        "random": f"random g {n} --edges {n} --seed {SEED}",
        "pairs": f"rings k {n // 2} 2; del k",
    }[shape]
    return f"disable; {build}"


def gcsh_session(shape: str, n: int, model: str | None = None) -> Session:
    out = io.StringIO()
    session = Session(out, io.StringIO(), model=model)
    if not session.run_text(commands(shape, n)):
        raise RuntimeError(f"building {shape} failed: {session.stderr.getvalue()}")
    return session


def mirror(heap) -> tuple[list, list]:
    """Real lists with the same references as the heap's generation-0 objects, and a list of
    their external references (as many as each object's refcount minus its references from
    the others). Call with the host collector disabled and everything else frozen; the
    external-reference holder must be made (and frozen) before the lists."""
    young = list(heap.objects(0))
    index = {op: i for i, op in enumerate(young)}
    nodes = [[] for _ in young]
    inner = [0] * len(young)
    for i, op in enumerate(young):
        items = [index[t] for t in heap.rows_of(op) if t in index]
        for t in items:
            inner[t] += 1
        nodes[i].extend(map(nodes.__getitem__, items))
    external = [nodes[i] for i, op in enumerate(young) for _ in range(heap.refcnt[op] - inner[i])]
    return nodes, external


def cpython_collect(heap, timer) -> tuple[float, int]:
    """Time a full gc.collect() on real lists shaped like the heap's generation 0."""
    gc.collect()
    gc.disable()
    holder: list = []
    gc.freeze()  # the benchmark's own objects (and the holder) are not part of the measured heap
    try:
        nodes, external = mirror(heap)
        holder.append(external)
        del nodes, external
        start = timer()
        found = gc.collect()
        elapsed = timer() - start
    finally:
        holder.clear()
        gc.unfreeze()
        gc.enable()
        gc.collect()
    return elapsed, found
