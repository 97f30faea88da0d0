"""Commands that build a large structure in one step (for heaps of thousands to millions of objects)."""

from __future__ import annotations

from .registry import INT, NEWNAME, Arg, Option, command
from .result import Result

_NAMES = ("Generated names are stable: the entry object is NAME (bound to the root name NAME), the "
          "others NAME_1, NAME_2, … in order. The new objects are lists in generation 0 and count as "
          "allocations; an automatic collection that becomes due runs once the structure is complete.")


def _built(info: dict, what: str) -> Result:
    names = info["first"] if info["first"] == info["last"] else f"{info['first']} … {info['last']}"
    return Result(info, [f"{info['name']}: {what}, {info['objects']:,} lists ({names}), generation 0"])


def _bulk(ctx):
    from ..backends.sim import bulk
    return bulk, ctx.backend.heap


@command("chain", topic="heap", summary="build N lists, each referencing the next",
         args=(Arg("NAME", NEWNAME, "the root name of the first list"), Arg("N", INT, "how many lists")),
         examples=("chain c 5", "chain c 100000"), backends=("sim",), details=_NAMES)
def chain(ctx, name, n):
    bulk, heap = _bulk(ctx)
    return _built(bulk.chain(heap, name, n), f"chain {name} -> {name}_1 -> …")


@command("ring", topic="heap", summary="build a cycle of N lists, each referencing the next",
         args=(Arg("NAME", NEWNAME, "the root name of the first list"), Arg("N", INT, "how many lists")),
         examples=("ring r 4", "ring r 1000000"), backends=("sim",),
         details="Like chain, and the last list references the first: after `del NAME` the whole ring is "
                 "garbage for the collector. " + _NAMES)
def ring(ctx, name, n):
    bulk, heap = _bulk(ctx)
    return _built(bulk.chain(heap, name, n, closed=True), "ring")


@command("tree", topic="heap", summary="build a complete tree of lists",
         args=(Arg("NAME", NEWNAME, "the root name of the tree's root"),
               Arg("DEPTH", INT, "levels below the root (0: the root alone)"),
               Arg("FANOUT", INT, "children per node (default 2)", optional=True, default=2)),
         examples=("tree t 3", "tree t 4 3"), backends=("sim",),
         details="Each node is a list holding its children; nodes are numbered breadth first. " + _NAMES)
def tree(ctx, name, depth, fanout):
    bulk, heap = _bulk(ctx)
    return _built(bulk.tree(heap, name, depth, fanout), f"tree of depth {depth}, fanout {fanout}")


@command("rings", topic="heap", summary="build COUNT separate rings of SIZE lists",
         args=(Arg("NAME", NEWNAME, "the root name of a list holding one member of each ring"),
               Arg("COUNT", INT, "how many rings"),
               Arg("SIZE", INT, "lists per ring (default 2)", optional=True, default=2)),
         examples=("rings k 3", "rings k 250000 4"), backends=("sim",),
         details="NAME holds the first member of each ring; the members are NAME_0, NAME_1, …, ring by "
                 "ring. `del NAME` leaves COUNT garbage cycles for the collector.")
def rings(ctx, name, count, size):
    bulk, heap = _bulk(ctx)
    return _built(bulk.rings(heap, name, count, size), f"{count:,} rings of {size} and the list holding them")


@command("random", topic="heap", summary="build N lists with random references among them",
         args=(Arg("NAME", NEWNAME, "the root name of a list holding all N"), Arg("N", INT, "how many lists")),
         options=(Option("--edges", "how many random references (default N)", INT, metavar="E"),
                  Option("--seed", "seed of the random choices (default 0)", INT, metavar="S", default=0)),
         examples=("random g 10", "random g 100000 --edges 200000 --seed 7"), backends=("sim",),
         details="NAME holds NAME_0 … NAME_{N-1}; reference k goes from NAME_{k mod N} to a member chosen "
                 "at random, so with E = N each member references one random member. The same seed builds "
                 "the same graph.")
def random(ctx, name, n, edges, seed):
    bulk, heap = _bulk(ctx)
    info = bulk.random_graph(heap, name, n, n if edges is None else edges, seed)
    return _built(info, f"random graph, {info['edges']:,} references, seed {seed}")
