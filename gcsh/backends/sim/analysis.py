"""Questions about the simulated heap, answered over the columns or by the collector itself.

`cycles` (strongly connected components), `find` (objects by type) and the
chain `why` prints walk the columns (loops/questions.py, compiled when the heap is
large). What a collection would do (`pending`, `whatif`, the fate `why` tells)
is found by running the real collector in a trial: a command nested in the
journal's open one, that is rolled back however the trial ends, with the collector's
output silenced, so that counts, statistics and the heap are untouched.
"""

from __future__ import annotations

from array import array
from contextlib import contextmanager

from ...values import DEBUG_SAVEALL
from .checkpoint import close_trials, trial_state
from .kernel import accel, collector
from .kernel.layout import FINALIZER, HEADS, LEGACY, PERMANENT
from ...errors import UserError
from .kernel.trace import Budget, DeleteGarbage, LegacyFinalizers, Mark, Resurrected, Trace

@contextmanager
def trial(backend):
    """Run something on the heap, look, then put everything back (output silenced)."""
    heap = backend.heap
    state = trial_state(backend)
    try:
        heap.journal.begin_trial()
        heap.emit, heap.events, backend.auto_reports = (lambda kind, text: None), [], []
        yield heap
    finally:
        close_trials(backend, state)


def _scratch(n: int, fill: int = 0) -> array:
    return array("i", [fill]) * n if fill else array("i", bytes(4 * n))


def components(heap) -> list[array]:
    """The reference cycles: rows of each strongly connected component with two or more members
    (or one referencing itself), largest first, each in row order."""
    k = accel.loops_for(heap)
    n = len(heap.kind)
    index, comp = _scratch(n, -1), _scratch(n, -1)
    sizes = _scratch(n)
    ncomp = k.strong_components(heap.gen, heap.estart, heap.elen, heap.pool, HEADS, index, _scratch(n), comp,
                                _scratch(n), _scratch(n), _scratch(n), sizes, _scratch(n))
    del index
    offsets, out = _scratch(ncomp), _scratch(sum(sizes))
    k.group_rows(comp, HEADS, sizes, ncomp, offsets, _scratch(ncomp), out)
    found = [(sizes[c], offsets[c]) for c in range(ncomp) if sizes[c]]
    found.sort(key=lambda sc: (-sc[0], out[sc[1]]))
    return [out[start:start + size] for size, start in found]


def cycles(heap) -> list[list[str]]:
    name_of = heap.name_of
    return [[name_of(op) for op in rows] for rows in components(heap)]


def find(heap, type_name: str, limit: int) -> dict:
    """Live objects whose type (short or qualified name) is TYPE_NAME: how many, and the first LIMIT."""
    def matches(name: str) -> bool:
        return name == type_name or name.rpartition(".")[2] == type_name

    codes = {code for code in set(heap.kind[HEADS:]) if matches(heap.type_name_of_kind(code))}
    special = {op for op, name in heap.type_names.items() if matches(name) and heap.alive(op)}
    found = [op for op in heap.live() if (heap.kind[op] in codes and op not in heap.type_names) or op in special]
    if not found:
        known = {heap.type_name_of_kind(code) for code in set(heap.kind[HEADS:])} | set(heap.type_names.values())
        return {"type": type_name, "count": 0, "objects": [], "known": sorted(known)}
    from .backend import GEN_LABELS
    handle = heap.handle
    found.sort(key=lambda op: heap.name_of(op) == handle(op))  # named objects first (a stable sort)
    return {"type": type_name, "count": len(found),
            "objects": [{"name": heap.name_of(op), "handle": handle(op), "type": heap.type_name(op),
                         "size": None, "generation": GEN_LABELS[heap.gen[op]]} for op in found[:max(limit, 0)]]}


def pending(backend) -> dict:
    """What a full collection would free now: found by running one in a trial."""
    with trial(backend) as heap:
        trace = Trace(heap.name_of, detail=False)
        report = collector.collect(heap, 2, trace)
        legacy = set(trace.first(LegacyFinalizers).uncollectable)
        found = list(report.unreachable_ids) + sorted(legacy)
        unreachable = report.unreachable
    rows = set(found)
    objects = [{"name": heap.name_of(op), "handle": heap.handle(op), "type": heap.type_name(op),
                "size": None, "finalizer": heap.kind[op] == FINALIZER,
                "legacy": op in legacy or heap.kind[op] == LEGACY} for op in sorted(rows)]
    inside = [c for c in components(heap) if c[0] in rows]
    from ..graphs import groups, kinds
    children = {op: heap.rows_of(op) for op in rows}
    words = {op: o["type"] + ("!" if o["legacy"] else "*" if o["finalizer"] else "") for op, o in
             zip(sorted(rows), objects)}
    found = [{"types": list(key), "groups": count, "examples": [[heap.name_of(op) for op in g] for g in some]}
             for key, some, count in kinds(groups(sorted(rows), children), words.get, 5)]
    return {"unreachable": unreachable, "objects": objects, "kinds": found,
            "finalizers": sum(o["finalizer"] for o in objects), "legacy": sum(o["legacy"] for o in objects),
            "cycles": [[heap.name_of(op) for op in c] for c in inside]}


def unreachable_marks(heap) -> array:
    """A byte per row, 1 where a full collection would find the object unreachable now: the
    collector's own subtraction, run read-only over the columns (nothing collected, nothing
    journalled, a few bytes of scratch per row, whatever the heap's size)."""
    k = accel.loops_for(heap)
    n = len(heap.kind)
    mark = array("B", bytes(n))
    k.unreachable_now(heap.gen, heap.refcnt, heap.estart, heap.elen, heap.pool, HEADS, _scratch(n), mark,
                      _scratch(n))
    return mark


def trial_collect(backend, generation: int, unbind=()) -> tuple:
    """`del UNBIND...` then `collect GENERATION`, in a trial: (freed by the del, the report, its trace,
    the __del__ methods that ran), as rows and names."""
    with trial(backend) as heap:
        start = len(heap.freed_log)
        for name in unbind:
            heap.release([heap.roots.pop(name)])
        freed_by_del = list(heap.freed_log[start:])
        trace = Trace(heap.name_of, detail=False)
        report = None
        if generation is not None:
            report = collector.collect(heap, generation, trace)
        ran = [event[1] for event in heap.events if event[0] == "D"]
    # objects the trial made on the way (a weakref callbacks' tuple) are gone with it
    existed = len(heap.kind)
    freed_by_del = [op for op in freed_by_del if op < existed]
    if report is not None:
        report.freed = [op for op in report.freed if op < existed]
    return freed_by_del, report, trace, ran


def chain_to(heap, target: int):
    """The shortest chain of strong references from a root name (in name order) or gc.garbage to
    TARGET: [(holder, row), (label, row)…], or None."""
    k = accel.loops_for(heap)
    n = len(heap.kind)
    entries = [(name, heap.roots[name]) for name in sorted(heap.roots)] + [("gc.garbage", op) for op in heap.garbage]
    sources = array("i", [op for _, op in entries])
    parent = _scratch(n, -1)
    if not k.shortest_path(heap.gen, heap.estart, heap.elen, heap.pool, sources, len(sources), target, parent,
                           _scratch(n)):
        return None
    path = [target]
    while parent[path[-1]] != path[-1]:
        path.append(parent[path[-1]])
    path.reverse()
    holder = next(name for name, op in entries if op == path[0])
    steps = [(holder, path[0])]
    for src, dst in zip(path, path[1:]):
        steps.append((_label(heap, src, dst), dst))
    return steps


def _label(heap, src: int, dst: int) -> str:
    """How SRC reaches DST, as Python writes it: [0], ['k'], .x, or `member` for a set."""
    items = heap.items(src)
    i = items.index(dst)
    keys = heap.keys_of(src)
    if keys is not None:
        return f"[{keys[i]!r}]" if heap.kind_of(src) == "dict" else f".{keys[i]}"
    return "member" if heap.kind_of(src) == "set" else f"[{i}]"


def held_by_cycle(heap, target: int, cycle_rows) -> list[int]:
    """The way from a cycle to TARGET (cycle member first), when TARGET is not in one itself."""
    k = accel.loops_for(heap)
    n = len(heap.kind)
    parent = _scratch(n, -1)
    sources = array("i", cycle_rows)
    if not sources or not k.shortest_path(heap.gen, heap.estart, heap.elen, heap.pool, sources, len(sources), target,
                                          parent, _scratch(n)):
        return []
    path = [target]
    while parent[path[-1]] != path[-1]:
        path.append(parent[path[-1]])
    return path[::-1]


def fate(backend, op: int) -> dict:
    """What the collector will do with an unreachable object: the youngest generation whose
    collection frees it (from the object's own generation up), or why none does."""
    heap = backend.heap
    g0 = heap.gen[op] if heap.gen[op] in (0, 1, 2) else 2
    full = None
    for g in range(g0, 3):
        _, report, trace, _ = trial_collect(backend, g)
        if op in set(report.freed):
            return {"generation": g, "verdict": f"the next collection of generation {g} frees it"}
        full = (report, trace)
    report, trace = full
    if heap.gen[op] == PERMANENT:
        return {"generation": None, "verdict": "frozen: collections skip the permanent generation (unfreeze, then collect)"}
    if op in set(trace.first(LegacyFinalizers).uncollectable):
        return {"generation": None, "verdict": "uncollectable: a legacy finalizer (tp_del) holds it, so a collection "
                                               "moves it to gc.garbage"}
    if op in set(report.unreachable_ids):
        if heap.debug & DEBUG_SAVEALL:
            return {"generation": None, "verdict": "kept: DEBUG_SAVEALL makes a collection save it in gc.garbage"}
        return {"generation": None, "verdict": "resurrected: a collection runs __del__, which stores it (or what "
                                               "holds it) in a root"}
    return {"generation": None, "verdict": "held by frozen objects: collections skip them (unfreeze, then collect)"}


# ---------------------------------------------------------------- why, whatif, freed_by

CHAIN_ENDS = 6  # steps kept at each end of a long chain


def why(backend, name: str) -> dict:
    heap = backend.heap
    op = heap.find(name)
    chain = chain_to(heap, op)
    if chain is not None:
        steps = [{"via": via, "name": heap.name_of(row), "kind": heap.type_name(row)} for via, row in
                 (chain if len(chain) <= 2 * CHAIN_ENDS + 1 else chain[:CHAIN_ENDS + 1])]
        if len(chain) > 2 * CHAIN_ENDS + 1:
            hidden = chain[CHAIN_ENDS + 1:-CHAIN_ENDS]
            steps.append({"elided": len(hidden), "name": heap.name_of(hidden[-1][1])})
            steps += [{"via": via, "name": heap.name_of(row), "kind": heap.type_name(row)}
                      for via, row in chain[-CHAIN_ENDS:]]
        return {"name": name, "alive": True, "reachable": True, "chain": steps, "chain_length": len(chain)}
    info = {"name": name, "alive": True, "reachable": False, **fate(backend, op)}
    cycles_ = components(heap)
    mine = next((c for c in cycles_ if op in set(c)), None)
    path = []
    if mine is None:
        path = held_by_cycle(heap, op, [r for c in cycles_ for r in c])
        mine = next((c for c in cycles_ if path and path[0] in set(c)), None) if path else None
    if mine is not None:
        info.update(cycle=[heap.name_of(r) for r in mine[:CHAIN_ENDS * 2]], cycle_size=len(mine),
                    in_cycle=op in set(mine))
    if len(path) > 2:
        shown = path if len(path) <= 2 * CHAIN_ENDS else path[:CHAIN_ENDS] + path[-CHAIN_ENDS:]
        info["held_through"] = [heap.name_of(r) for r in shown]
        if len(path) > 2 * CHAIN_ENDS:
            info["held_through"].insert(CHAIN_ENDS, f"… {len(path) - 2 * CHAIN_ENDS:,} more …")
    return info


def whatif(backend, names: list[str], generation: int) -> dict:
    heap = backend.heap
    for name in names:
        if name not in heap.roots:
            heap.find(name)
            raise UserError(f"{name!r} is not bound (it is kept alive only by references)")
    freed_by_del, report, trace, ran = trial_collect(backend, generation, names)
    _, alone, _, _ = trial_collect(backend, generation)
    already = set(alone.freed)
    freed = list(report.freed)
    # an incremental collect(1) that only marks, or has no budget, collects nothing: no such events
    idle = "only marks from the roots" if trace.first(Mark) else "has no budget yet" if trace.first(Budget) else None
    found = trace.first(LegacyFinalizers)
    legacy = list(found.uncollectable) if found is not None else []
    delete = trace.first(DeleteGarbage)
    saved = list(delete.garbage) if delete is not None and delete.saved else []
    uncollectable = [op for op in legacy if op not in set(freed)]
    resurrected = trace.first(Resurrected)
    name_of = heap.name_of
    named = lambda rows: [name_of(op) for op in sorted(rows)]  # noqa: E731  (in allocation order, as `freed:`)
    freed = sorted(freed)
    kept = kept_alive(backend, names, set(freed_by_del) | set(freed))
    return {"freed_by_del": named(freed_by_del), "freed": named(freed), "unreachable": named(report.unreachable_ids),
            "kept": kept,
            "uncollectable": named(uncollectable), "finalizers": ran,
            "resurrected": named(resurrected.resurrected) if resurrected else [], "saved": named(saved),
            "new": [name_of(op) for op in freed if op not in already],
            "already": [name_of(op) for op in freed if op in already],
            "alive_after": len(heap) - len(freed_by_del) - len(freed), "idle": idle}


KEPT_EXAMPLES = 3  # objects named for each holder that keeps what the dropped names reach


def kept_alive(backend, names: list[str], gone: set[int]) -> list[dict]:
    """What NAMES reach that dropping them (and collecting) would not free, by the root that still
    holds each once the names are gone (where `why` would start its chain; None: nothing reaches
    it): the most held first, each with how many and the first few. One walk from every root."""
    heap = backend.heap
    n = len(heap.kind)
    reach = bytearray(n)
    stack = [heap.roots[name] for name in names]
    for op in stack:
        reach[op] = 1
    while stack:
        for target in heap.rows_of(stack.pop()):
            if not reach[target]:
                reach[target] = 1
                stack.append(target)
    survivors = [op for op in range(HEADS, n) if reach[op] and op not in gone]
    if not survivors:
        return []
    by_holder: dict = {}
    with trial(backend) as heap:
        for name in names:
            heap.release([heap.roots.pop(name)])
        entries = [(name, heap.roots[name]) for name in sorted(heap.roots)] + \
                  [("gc.garbage", op) for op in heap.garbage]
        source_name = {}
        for name, op in entries:
            source_name.setdefault(op, name)
        parent = _scratch(n, -1)
        sources = array("i", [op for _, op in entries])
        accel.loops_for(heap).shortest_path(heap.gen, heap.estart, heap.elen, heap.pool, sources, len(sources), -1,
                                            parent, _scratch(n))
        for op in survivors:
            top = op
            while parent[top] >= 0 and parent[top] != top:
                top = parent[top]
            holder = source_name.get(top) if parent[top] >= 0 else None
            entry = by_holder.setdefault(holder, [0, []])
            entry[0] += 1
            if len(entry[1]) < KEPT_EXAMPLES:
                entry[1].append(heap.name_of(op))
    return [{"holder": holder, "objects": count, "examples": examples}
            for holder, (count, examples) in sorted(by_holder.items(), key=lambda kv: (-kv[1][0], str(kv[0])))]


def cycle_fates(backend, names: list[str]) -> dict:
    """For each name: (is it unreachable, the youngest generation whose collection frees it or None),
    from a full collection in a trial and, when it finds any of them, collections 0 and 1."""
    heap = backend.heap
    rows = {heap.find(name): name for name in names}
    _, report, trace, _ = trial_collect(backend, 2)
    found = rows.keys() & (set(report.unreachable_ids) | set(trace.first(LegacyFinalizers).uncollectable))
    out = {name: (op in found, None) for op, name in rows.items()}
    if found:
        for g in (2, 1, 0):
            freed = set(report.freed) if g == 2 else set(trial_collect(backend, g)[1].freed)
            for op in found & freed:
                out[rows[op]] = (True, g)
    return out


def freed_by(backend, names: list[str]) -> dict:
    """For each name: the youngest generation whose collection (now) frees it, or None."""
    heap = backend.heap
    rows = {heap.find(name): name for name in names}
    out = dict.fromkeys(names)
    for g in (0, 1, 2):
        _, report, _, _ = trial_collect(backend, g)
        for op in set(report.freed) & rows.keys():
            out[rows[op]] = g if out[rows[op]] is None else out[rows[op]]
    return out


def dominator_view(backend, name: str | None, limit: int) -> dict:
    """The dominator tree of the simulated heap from its root names and gc.garbage: NAME's retained
    objects and the biggest it dominates, or (no NAME) the root names' objects by what they retain.
    The simulator has no sizes: objects are counted."""
    from ..graphs import dominators, retained
    heap = backend.heap
    target = heap.find(name) if name is not None else None
    ops = list(heap.live())
    index = {op: i for i, op in enumerate(ops)}
    children = [[index[t] for t in heap.rows_of(op) if t in index] for op in ops]
    n = len(ops)
    tops = [index[op] for op in dict.fromkeys(list(heap.roots.values()) + list(heap.garbage)) if op in index]
    children.append(tops)
    idom, order = dominators(n + 1, children, n)
    count, _ = retained(idom, order, [0] * (n + 1))
    if target is not None:
        tops = [index[target]]
    tree: dict[int, list[int]] = {}
    for v in range(n):
        if idom[v] != -1:
            tree.setdefault(idom[v], []).append(v)

    def entry(v: int, depth: int) -> dict:
        kids = sorted(tree.get(v, ()), key=lambda k: -count[k])[:limit] if depth < (2 if target is not None else 1) else []
        op = ops[v]
        return {"name": heap.name_of(op), "handle": heap.handle(op), "type": heap.type_name(op), "size": None,
                "objects": count[v], "retained": None, "dominated": [entry(k, depth + 1) for k in kids]}

    roots = [entry(v, 0) for v in sorted(tops, key=lambda k: -count[k])[:limit]]
    del entry  # (it calls itself through its closure: a cycle, unless let go)
    return {"name": name, "roots": roots}
