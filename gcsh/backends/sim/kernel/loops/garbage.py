"""delete_garbage for plain garbage: what needs no Python code and no side table.

Plain garbage holds no finalizer, legacy finalizer or weakref and nothing weakly
referenced (scan_garbage says so) and frees nothing outside itself
(garbage_edges): then every object of it dies, and only the order they are
freed in needs the refcount cascade walked one object at a time (delete_plain);
the rest is written per run. Anything else is left to deletion.py's Python
phases.
"""

from ..layout import (COLLECTING, DICT, FINALIZER, FREED, FREED_BY_GC, KEYED, LIST, NGC, TUPLE,
                      UNREACHABLE, WEAKREF, WEAKREFD)
from .lists import is_collecting, list_init, mark_page, span_pages
from .spans import count_between, count_bit, count_value, fill, set_bit, span_sum


def scan_garbage(gen, kind, flags, estart, elen, pool, head, starts, ends, nruns, mark, pages, closed):
    """The garbage on HEAD's list, given as runs: returns (-1 if it is not plain, else 1 if it
    references objects outside itself and 0 if not; its references; how many pages PAGES got).
    PAGES receives the pages holding its rows (and HEAD's) that MARK did not mark yet (marking
    them). CLOSED: nothing in the set the garbage came from referenced an object outside it
    (subtract_refs said so), so neither does the garbage."""
    npages = mark_page(mark, pages, 0, head)
    for r in range(nruns):
        a = starts[r]
        b = ends[r]
        if count_between(kind, a, b, FINALIZER, WEAKREF) or count_bit(flags, a, b, WEAKREFD):  # (LEGACY between)
            return -1, 0, npages
    edges = 0
    outside = 0
    for r in range(nruns):
        npages = span_pages(mark, pages, npages, starts[r], ends[r])
        a = starts[r]
        b = ends[r]
        if closed:
            edges += span_sum(elen, a, b)
            continue
        for op in range(a, b):
            start = estart[op]
            n = elen[op]
            edges += n
            if outside == 0:
                for i in range(start, start + n):
                    t = pool[i]
                    if t >= 0:
                        g = gen[t]
                        if g != COLLECTING and g != UNREACHABLE:
                            outside = 1
                            break
    return outside, edges, npages


def garbage_edges(nxt, gen, refcnt, gc_refs, estart, elen, pool, head):
    """For delete_plain: -1 if clearing the garbage on HEAD's list would free an object outside it
    (its refcount would reach 0: a cascade the Python phases handle), else the number of its
    references (to size the refcount cascade's stack). gc_refs of the objects outside the set is
    scratch here."""
    edges = 0
    op = nxt[head]
    while op != head:
        start = estart[op]
        for k in range(start, start + elen[op]):
            t = pool[k]
            if t >= 0 and not is_collecting(gen[t]):
                gc_refs[t] = 0
        op = nxt[op]
    op = nxt[head]
    while op != head:
        start = estart[op]
        edges += elen[op]
        for k in range(start, start + elen[op]):
            t = pool[k]
            if t >= 0 and not is_collecting(gen[t]):
                gc_refs[t] += 1
        op = nxt[op]
    op = nxt[head]
    while op != head:
        start = estart[op]
        for k in range(start, start + elen[op]):
            t = pool[k]
            if t >= 0 and not is_collecting(gen[t]) and gc_refs[t] >= refcnt[t]:
                return -1
        op = nxt[op]
    return edges


def uncount(kind, size, free, caps, count, longest_tuple):
    """count0 as CPython keeps it when an object's memory goes: kept on its free list (no change)
    or given back through PyObject_GC_Del (count0 - 1, never below 0). Free-list slots: 0 lists,
    1 dicts, 1 + n tuples of length n."""
    if kind >= NGC:
        return
    slot = -1
    if kind == LIST:
        slot = 0
    elif kind == DICT:
        slot = 1
    elif kind == TUPLE and 0 < size <= longest_tuple:
        slot = 1 + size
    if slot >= 0 and free[slot] < caps[slot]:
        free[slot] += 1
    elif count[0] > 0:
        count[0] -= 1


def uncount_all(kind, elen, starts, ends, nruns, free, caps, count, longest_tuple, tally):
    """uncount for every object of the runs (GC objects all), at once: which of them go to a free
    list and by how much count0 drops depend only on how many there are of each slot. TALLY:
    scratch, one int per slot."""
    drop = 0
    for r in range(nruns):
        a = starts[r]
        b = ends[r]
        lists = count_value(kind, a, b, LIST)
        dicts = count_value(kind, a, b, DICT)
        tuples = count_value(kind, a, b, TUPLE)
        tally[0] += lists
        tally[1] += dicts
        drop += b - a - lists - dicts - tuples
        if tuples:
            for op in range(a, b):
                if kind[op] == TUPLE:
                    if 0 < elen[op] <= longest_tuple:
                        tally[1 + elen[op]] += 1
                    else:
                        drop += 1
    for slot in range(len(tally)):
        room = caps[slot] - free[slot]
        kept = tally[slot] if tally[slot] < room else (room if room > 0 else 0)
        free[slot] += kept
        drop += tally[slot] - kept
    count[0] = count[0] - drop if count[0] > drop else 0


def delete_plain(gen, kind, refcnt, estart, elen, pool, starts, ends, nruns, stack, freed):
    """delete_garbage for a plain garbage list (see scan_garbage and garbage_edges), given as runs
    in list order: take the first object still alive, tp_clear it under a temporary reference (a
    list from its last item; a tuple has no tp_clear); the refcount cascade frees, depth first,
    what reaches 0 (release what it references, then its memory). In plain garbage every object
    dies and nothing outside it does, so what the freeing leaves in each row is written afterwards
    for the runs at once (uncount_all, free_rows) and the list itself is simply emptied
    (unlink_all). FREED receives the freed rows in order; returns how many were freed.

    Pushing an object's references is written out here (compiled, a call per object would cost
    more than the work it does), with a shortcut for one reference (plain, the loop would)."""
    nfreed = 0
    for r in range(nruns):
        for op in range(starts[r], ends[r]):
            if gen[op] == FREED:
                continue  # freed already, by an earlier object's clear
            refcnt[op] += 1
            stack[0] = op  # the temporary reference, dropped after the items
            top = 1
            x = op
            clear = kind[op] != TUPLE  # tp_clear: a tuple has none
            while True:
                if clear:  # push x's references so that they pop in traversal order
                    k = kind[x]
                    n = elen[x]
                    start = estart[x]
                    if n == 1:
                        t = pool[start]
                        if t >= 0:
                            stack[top] = t
                            top += 1
                    elif n > 1:  # lists and tuples are traversed from their last item: pushed from the first
                        end = start + n
                        backwards = k == LIST or k == TUPLE
                        for i in range(start, end):
                            t = pool[i if backwards else end - 1 - (i - start)]
                            if t >= 0:
                                stack[top] = t
                                top += 1
                    if k != TUPLE:  # a tuple keeps its length until its memory goes
                        elen[x] = 0
                if top == 0:
                    break
                top -= 1
                x = stack[top]
                if x < 0:
                    clear = False
                    gen[~x] = FREED
                    freed[nfreed] = ~x
                    nfreed += 1
                    continue
                rc = refcnt[x] - 1
                refcnt[x] = rc
                clear = rc == 0
                if clear:
                    if elen[x] == 0:  # nothing to release: its memory goes at once
                        clear = False
                        gen[x] = FREED
                        freed[nfreed] = x
                        nfreed += 1
                    else:
                        stack[top] = ~x
                        top += 1
    return nfreed


def free_rows(flags, elen, starts, ends, nruns):
    """What freeing leaves in the rows of the runs (their marker is FREED already): no references,
    FREED_BY_GC. Returns how many of them hold keys."""
    keyed = 0
    for r in range(nruns):
        a = starts[r]
        b = ends[r]
        fill(elen, a, b, 0)
        set_bit(flags, a, b, FREED_BY_GC)
        keyed += count_bit(flags, a, b, KEYED)
    return keyed


def unlink_all(nxt, prv, head, starts, ends, nruns):
    """Empty HEAD's list, whose members (the runs) are all freed."""
    for r in range(nruns):
        fill(nxt, starts[r], ends[r], -1)
        fill(prv, starts[r], ends[r], -1)
    list_init(nxt, prv, head)
