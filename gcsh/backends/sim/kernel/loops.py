"""The collector's hot loops over the columns, in the subset of Python that numba compiles.

Plain loops over typed arrays and ints, nothing else: `accel.py` compiles this
very module with numba's `@njit(cache=True)` when the `fast` extra is installed
and a collection is large; otherwise the same functions run as plain Python
over the `array.array` columns, with identical results. They never touch the
side tables, so a row that needs them (a finalizer, a weakref, a legacy
finalizer, an object that is weakly referenced) is left to collector.py's
Python phases: `plain_list` says when a list holds one.

These functions write only rows whose pages the caller has saved in the
journal first (`list_pages`, `target_pages`), so that a failed or interrupted
command can be rolled back.

Names and order follow Modules/gcmodule.c: gc_list_* are the list
primitives, then update_refs, subtract_refs, move_unreachable (visit_reachable
inlined), untrack_tuples/untrack_dicts and delete_garbage with the refcount
cascade of the objects it frees.
"""

from array import array

from .layout import (COLLECTING, DICT, FINALIZER, FREED, FREED_BY_GC, KEYED, LEGACY, LIST, NGC, PAGE_SHIFT,
                     TUPLE, UNREACHABLE, UNTRACKED, WEAKREF, WEAKREFD)

# Small helpers the compiled loops inline (a call between compiled functions costs more than they do).
INLINE = frozenset({"list_init", "list_append", "list_remove", "list_move", "is_collecting", "is_tracked",
                    "may_be_tracked", "uncount", "push_children", "mark_page"})

# ---------------------------------------------------------------- spans of a column
# A few operations on a stretch of a column, each written twice on purpose: as the loop numba
# compiles (LOOP_FORMS, restored by accel.py), and, for the plain path, as one slice, count or
# translate that runs in C. tests/test_sim_kernel.py checks that the two forms agree.

LOOP_FORMS = {}


def plain_form(fast):
    """Decorator: the plain path calls FAST; the decorated loop is the form numba compiles."""
    def register(loop):
        LOOP_FORMS[loop.__name__] = loop
        return fast
    return register


_IDENT = array("i")  # 0, 1, 2, ...: what a stretch of consecutive rows is compared with


def _identity(stop):
    if len(_IDENT) < stop:
        _IDENT.extend(range(len(_IDENT), max(stop, 2 * len(_IDENT))))
    return _IDENT


def _gallop(same, start, stop):
    """The longest n <= STOP - START with SAME(start, start + n): doubling, then halving."""
    n, step = 0, 1
    while start + n < stop:
        end = min(start + n + step, stop)
        if same(start + n, end):
            n = end - start
            step *= 2
        elif step > 1:
            step //= 2
        else:
            break
    return n


def _consecutive(nxt, start, stop):
    if start >= stop or nxt[start] != start + 1:
        return 0
    ident = _identity(stop + 1)
    return _gallop(lambda i, j: nxt[i:j] == ident[i + 1:j + 1], start, stop)


@plain_form(_consecutive)
def consecutive(nxt, start, stop):
    """How many rows from START (up to STOP) are each followed on their list by the next row."""
    i = start
    while i < stop and nxt[i] == i + 1:
        i += 1
    return i - start


def _zeros_from(a, start, stop):
    if start >= stop or a[start] != 0:
        return 0
    width = a.itemsize
    return _gallop(lambda i, j: a[i:j].tobytes().count(0) == (j - i) * width, start, stop)


@plain_form(_zeros_from)
def zeros_from(a, start, stop):
    """How many entries of A from START (up to STOP) are 0."""
    i = start
    while i < stop and a[i] == 0:
        i += 1
    return i - start


@plain_form(lambda a, start, stop, value: a[start:stop].count(value))
def count_value(a, start, stop, value):
    n = 0
    for i in range(start, stop):
        if a[i] == value:
            n += 1
    return n


_WITHOUT = [bytes(v for v in range(256) if not v & bit) for bit in range(256)]  # bytes lacking BIT
_WITH = [bytes(v | bit for v in range(256)) for bit in range(256)]  # each byte with BIT set


@plain_form(lambda a, start, stop, bit: len(a[start:stop].tobytes().translate(None, _WITHOUT[bit])))
def count_bit(a, start, stop, bit):
    """How many bytes of A[START:STOP] have BIT set."""
    n = 0
    for i in range(start, stop):
        if a[i] & bit:
            n += 1
    return n


@plain_form(lambda a, start, stop: sum(a[start:stop]))
def span_sum(a, start, stop):
    n = 0
    for i in range(start, stop):
        n += a[i]
    return n


def _set_bit(a, start, stop, bit):
    a[start:stop] = array(a.typecode, a[start:stop].tobytes().translate(_WITH[bit]))


@plain_form(_set_bit)
def set_bit(a, start, stop, bit):
    for i in range(start, stop):
        a[i] |= bit


def _fill(a, start, stop, value):
    a[start:stop] = array(a.typecode, [value]) * (stop - start)


@plain_form(_fill)
def fill(a, start, stop, value):
    for i in range(start, stop):
        a[i] = value


def _span_rows(out, n, start, stop):
    out[n:n + stop - start] = _identity(stop)[start:stop]


@plain_form(_span_rows)
def span_rows(out, n, start, stop):
    """OUT[N:] = START, START + 1, ..., STOP - 1."""
    for i in range(start, stop):
        out[n + i - start] = i

# ---------------------------------------------------------------- gc_list_*


def list_init(nxt, prv, head):
    nxt[head] = head
    prv[head] = head


def list_is_empty(nxt, head):
    return nxt[head] == head


def list_append(nxt, prv, node, head):
    """gc_list_append: NODE becomes the last item of HEAD's list."""
    last = prv[head]
    nxt[last] = node
    prv[node] = last
    nxt[node] = head
    prv[head] = node


def list_remove(nxt, prv, node):
    """gc_list_remove: unlink NODE (its links become -1: untracked)."""
    before = prv[node]
    after = nxt[node]
    nxt[before] = after
    prv[after] = before
    nxt[node] = -1
    prv[node] = -1


def list_move(nxt, prv, node, head):
    """gc_list_move: from whatever list NODE is on to the tail of HEAD's."""
    before = prv[node]
    after = nxt[node]
    nxt[before] = after
    prv[after] = before
    list_append(nxt, prv, node, head)


def list_merge(nxt, prv, source, target):
    """gc_list_merge: append SOURCE's items to TARGET's list, in order; SOURCE becomes empty."""
    if nxt[source] != source:
        tail = prv[target]
        first = nxt[source]
        last = prv[source]
        nxt[tail] = first
        prv[first] = tail
        nxt[last] = target
        prv[target] = last
        nxt[source] = source
        prv[source] = source


def list_size(nxt, head):
    n = 0
    op = nxt[head]
    while op != head:
        n += 1
        op = nxt[op]
    return n


def list_rows(nxt, head, out):
    """Copy the list's rows, in order, into OUT; returns how many."""
    n = 0
    op = nxt[head]
    while op != head:
        out[n] = op
        n += 1
        op = nxt[op]
    return n


def is_collecting(g):
    """gc_is_collecting: in the set being collected (NEXT_MASK_UNREACHABLE or not)."""
    return g == COLLECTING or g == UNREACHABLE


def is_tracked(g):
    return g <= COLLECTING or g == UNREACHABLE


def may_be_tracked(kind, gen, t):
    """_PyObject_GC_MAY_BE_TRACKED for a reference T: a GC object, and not an untracked tuple."""
    if t < 0:
        return False
    k = kind[t]
    return k < NGC and (k != TUPLE or is_tracked(gen[t]))


# ---------------------------------------------------------------- deduce_unreachable


def list_runs(nxt, head, op, starts, ends, n):
    """HEAD's list as runs, from node OP on: stretches of rows that follow each other on the list
    in increasing order (run r is rows STARTS[r] to ENDS[r] - 1), written from N until STARTS is
    full. Returns (how many runs, the node to go on from: HEAD when the list is done)."""
    limit = len(nxt) - 1
    while op != head and n < len(starts):
        last = op + consecutive(nxt, op, limit)
        starts[n] = op
        ends[n] = last + 1
        n += 1
        op = nxt[last]
    return n, op


def update_refs(gen, refcnt, gc_refs, starts, ends, nruns):
    """gc_refs = ob_refcnt, and PREV_MASK_COLLECTING, for every object of the set (given as runs);
    returns how many."""
    n = 0
    for r in range(nruns):
        a = starts[r]
        b = ends[r]
        gc_refs[a:b] = refcnt[a:b]
        fill(gen, a, b, COLLECTING)
        n += b - a
    return n


def subtract_refs(gen, estart, elen, pool, gc_refs, starts, ends, nruns):
    """visit_decref: minus one for every reference from a member of the set to another. Returns how
    many references lead out of the set (to an object, not a literal)."""
    outside = 0
    for r in range(nruns):
        a = starts[r]
        b = ends[r]
        for k, n in zip(estart[a:b], elen[a:b]):
            end = k + n
            while k != end:  # (a while loop: plain, the cheapest for one reference, the most common)
                t = pool[k]
                k += 1
                if t >= 0:
                    g = gen[t]
                    if g == COLLECTING or g == UNREACHABLE:
                        gc_refs[t] -= 1
                    else:
                        outside += 1
    return outside


def move_unreachable(nxt, prv, gen, kind, estart, elen, pool, gc_refs, young, unreachable, old, moves,
                     starts, ends, nruns):
    """Walk YOUNG (given as runs) from head to tail. An object with gc_refs > 0 is reachable: it
    stays, leaves the collecting set (its marker becomes OLD, the generation it will join) and
    whatever it references becomes reachable too: an object already moved to UNREACHABLE goes back
    to the tail of YOUNG (so the walk reaches it again, after the runs), one not reached yet gets
    gc_refs 1. An object with gc_refs 0 is moved to UNREACHABLE for now (with the objects after it
    in its run whose gc_refs are 0, in one piece: nothing can change their gc_refs before the walk
    reaches them). Lists and tuples are traversed from their last item.

    MOVES, when not empty, receives each step as three ints (op, 0, 0) reachable, (op, 1, 0)
    unreachable, (target, 2, op) moved back by op. Returns (how many ints were written, how many
    objects are left on UNREACHABLE)."""
    record = len(moves) > 0
    m = 0
    left = 0
    kept = young  # the last object of the runs that stayed: the objects moved back follow it
    r = 0
    stop = -1  # the end of the current run; -1 once the runs are done and the list itself is followed
    op = nxt[young]
    if nruns > 0:
        op = starts[0]
        stop = ends[0]
    while True:
        if op == stop:
            r += 1
            if r < nruns:
                op = starts[r]
                stop = ends[r]
            else:
                stop = -1
                op = nxt[kept]
            continue
        if stop < 0 and op == young:
            break
        if gc_refs[op] > 0:  # reachable: op and those after it in its run found reachable in turn
            x = op
            while True:
                if record:
                    moves[m] = x
                    moves[m + 1] = 0
                    moves[m + 2] = 0
                    m += 3
                k = estart[x]
                n = elen[x]
                end = k + n
                step = 1
                if n > 1 and (kind[x] == LIST or kind[x] == TUPLE):
                    k = end - 1
                    end = k - n
                    step = -1
                while k != end:
                    t = pool[k]
                    k += step
                    if t < 0:
                        continue
                    g = gen[t]
                    if g == COLLECTING:  # (one visited already has gc_refs > 0: its marker can wait)
                        if gc_refs[t] == 0:
                            gc_refs[t] = 1
                    elif g == UNREACHABLE:
                        list_move(nxt, prv, t, young)
                        gen[t] = COLLECTING
                        gc_refs[t] = 1
                        left -= 1
                        if record:
                            moves[m] = t
                            moves[m + 1] = 2
                            moves[m + 2] = x
                            m += 3
                if stop < 0 or x + 1 == stop or gc_refs[x + 1] == 0:
                    break
                x += 1
            fill(gen, op, x + 1, old)
            kept = x
            op = x + 1 if stop >= 0 else nxt[x]
        else:
            last = op + zeros_from(gc_refs, op + 1, stop) if stop >= 0 else op
            after = nxt[last]
            before = prv[op]  # unlink op..last and append them to UNREACHABLE's tail
            nxt[before] = after
            prv[after] = before
            tail = prv[unreachable]
            nxt[tail] = op
            prv[op] = tail
            nxt[last] = unreachable
            prv[unreachable] = last
            fill(gen, op, last + 1, UNREACHABLE)
            left += last + 1 - op
            if record:
                for x in range(op, last + 1):
                    moves[m] = x
                    moves[m + 1] = 1
                    moves[m + 2] = 0
                    m += 3
            op = last + 1 if stop >= 0 else after
    return m, left


def untrack_kind(nxt, prv, gen, kind, estart, elen, pool, young, which, out):
    """untrack_tuples (WHICH = TUPLE) or untrack_dicts (WHICH = DICT): untrack the members of YOUNG
    of that kind none of whose references may be tracked. OUT (when not empty) receives them;
    returns how many."""
    n = 0
    op = nxt[young]
    while op != young:
        after = nxt[op]
        if kind[op] == which:
            start = estart[op]
            keep = False
            for k in range(start, start + elen[op]):
                if may_be_tracked(kind, gen, pool[k]):
                    keep = True
                    break
            if not keep:
                list_remove(nxt, prv, op)
                gen[op] = UNTRACKED
                if len(out) > 0:
                    out[n] = op
                n += 1
        op = after
    return n


def count_kind(kind, starts, ends, nruns, which):
    n = 0
    for r in range(nruns):
        n += count_value(kind, starts[r], ends[r], which)
    return n


# ---------------------------------------------------------------- the garbage


def plain_list(nxt, kind, flags, head):
    """Does the list hold only objects whose freeing runs no code and touches no side table
    (no finalizer, legacy finalizer or weakref, and nothing weakly referenced)?"""
    op = nxt[head]
    while op != head:
        k = kind[op]
        if k == FINALIZER or k == LEGACY or k == WEAKREF or flags[op] & WEAKREFD:
            return False
        op = nxt[op]
    return True


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
        if (count_value(kind, a, b, FINALIZER) or count_value(kind, a, b, LEGACY)
                or count_value(kind, a, b, WEAKREF) or count_bit(flags, a, b, WEAKREFD)):
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
        for start, n in zip(estart[a:b], elen[a:b]):
            edges += n
            if outside == 0:
                for t in pool[start:start + n]:
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

    push_children is written out here (compiled, a call per object would cost more than the work
    it does), with a shortcut for one reference (plain, the loop would)."""
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


def push_children(kind, estart, elen, pool, op, stack, top):
    """Push OP's references (the rows among them) so that they pop in traversal order (lists and
    tuples are traversed from their last item, so they are pushed from the first)."""
    start = estart[op]
    end = start + elen[op]
    backwards = kind[op] == LIST or kind[op] == TUPLE
    for i in range(start, end):
        k = i if backwards else end - 1 - (i - start)
        t = pool[k]
        if t >= 0:
            stack[top] = t
            top += 1
    return top


# ---------------------------------------------------------------- pages the loops will write


def mark_page(mark, out, n, row):
    """Add ROW's page to OUT (at N) unless MARK has it already; returns the new N."""
    p = row >> PAGE_SHIFT
    if mark[p] == 0:
        mark[p] = 1
        out[n] = p
        n += 1
    return n


def span_pages(mark, out, n, start, stop):
    """Add to OUT (from N) each page holding a row START..STOP-1 that MARK has not marked yet,
    marking it; returns the new N."""
    for p in range(start >> PAGE_SHIFT, ((stop - 1) >> PAGE_SHIFT) + 1):
        if mark[p] == 0:
            mark[p] = 1
            out[n] = p
            n += 1
    return n


def run_pages(head, starts, ends, nruns, mark, out, n):
    """The same for HEAD's page and every row of the runs."""
    n = mark_page(mark, out, n, head)
    for r in range(nruns):
        n = span_pages(mark, out, n, starts[r], ends[r])
    return n


def run_rows(starts, ends, nruns, out):
    """The rows of the runs, in order, into OUT; returns how many."""
    n = 0
    for r in range(nruns):
        span_rows(out, n, starts[r], ends[r])
        n += ends[r] - starts[r]
    return n


def target_pages(nxt, estart, elen, pool, head, mark, out, n):
    """The same for the rows that HEAD's list references."""
    op = nxt[head]
    while op != head:
        start = estart[op]
        for k in range(start, start + elen[op]):
            if pool[k] >= 0:
                n = mark_page(mark, out, n, pool[k])
        op = nxt[op]
    return n


def old_tail_page(prv, old):
    return prv[old] >> PAGE_SHIFT



# ---------------------------------------------------------------- questions about the whole heap


def strong_components(gen, estart, elen, pool, first, index, low, comp, tstack, wop, wedge, sizes, selfref):
    """Tarjan's strongly connected components of the strong references among live rows (from row
    FIRST), iteratively. COMP[op] gets op's component; SIZES[c] the size of component c if it is a
    cycle (two or more members, or one that references itself), else 0. INDEX and COMP start at
    -1; LOW, TSTACK, WOP, WEDGE and SELFREF are scratch. Returns how many components."""
    counter = 0
    ncomp = 0
    tsp = 0
    for root in range(first, len(gen)):
        if gen[root] == FREED or index[root] >= 0:
            continue
        depth = 0
        wop[0] = root
        wedge[0] = estart[root]
        index[root] = counter
        low[root] = counter
        counter += 1
        tstack[tsp] = root
        tsp += 1
        comp[root] = -2  # on the stack
        while depth >= 0:
            op = wop[depth]
            k = wedge[depth]
            if k < estart[op] + elen[op]:
                wedge[depth] = k + 1
                t = pool[k]
                if t < 0:
                    continue
                if t == op:
                    selfref[op] = 1
                if index[t] < 0:
                    index[t] = counter
                    low[t] = counter
                    counter += 1
                    tstack[tsp] = t
                    tsp += 1
                    comp[t] = -2
                    depth += 1
                    wop[depth] = t
                    wedge[depth] = estart[t]
                elif comp[t] == -2 and index[t] < low[op]:
                    low[op] = index[t]
                continue
            if low[op] == index[op]:
                size = 0
                cyclic = 0
                while True:
                    tsp -= 1
                    x = tstack[tsp]
                    comp[x] = ncomp
                    size += 1
                    if selfref[x]:
                        cyclic = 1
                    if x == op:
                        break
                sizes[ncomp] = size if size > 1 or cyclic else 0
                ncomp += 1
            depth -= 1
            if depth >= 0 and low[op] < low[wop[depth]]:
                low[wop[depth]] = low[op]
    return ncomp


def group_rows(comp, first, sizes, ncomp, offsets, fill, out):
    """The rows of the cycles (components whose SIZES entry is not 0), grouped by component and in
    row order within each: component c's rows start at OFFSETS[c] in OUT. Returns how many."""
    total = 0
    for c in range(ncomp):
        offsets[c] = total
        fill[c] = total
        total += sizes[c]
    for op in range(first, len(comp)):
        c = comp[op]
        if c >= 0 and sizes[c] > 0:
            out[fill[c]] = op
            fill[c] += 1
    return total


def shortest_path(gen, estart, elen, pool, sources, nsources, target, parent, queue):
    """Breadth first from SOURCES through strong references: True if TARGET is reached, PARENT
    (which starts at -1) then leads back from it (a source's parent is itself)."""
    head = 0
    tail = 0
    for i in range(nsources):
        s = sources[i]
        if parent[s] < 0:
            parent[s] = s
            queue[tail] = s
            tail += 1
    while head < tail:
        op = queue[head]
        head += 1
        if op == target:
            return True
        start = estart[op]
        for k in range(start, start + elen[op]):
            t = pool[k]
            if t >= 0 and parent[t] < 0 and gen[t] != FREED:
                parent[t] = op
                queue[tail] = t
                tail += 1
    return False


def unreachable_now(gen, refcnt, estart, elen, pool, first, gc_refs, mark, stack):
    """What a full collection would find unreachable now, found without moving or writing a row:
    update_refs and subtract_refs over the three generations into the scratch GC_REFS, then what
    the objects held from outside reach. MARK (a zeroed byte per row) ends 1 for an unreachable
    object, 2 for a reachable one, 0 outside the generations; STACK: scratch, one int per row.
    Returns how many are unreachable."""
    n = len(gen)
    for op in range(first, n):
        g = gen[op]
        if g == 0 or g == 1 or g == 2:
            gc_refs[op] = refcnt[op]
            mark[op] = 1
    for op in range(first, n):
        if mark[op] != 0:
            start = estart[op]
            for k in range(start, start + elen[op]):
                t = pool[k]
                if t >= 0 and mark[t] != 0:
                    gc_refs[t] -= 1
    top = 0
    for op in range(first, n):
        if mark[op] == 1 and gc_refs[op] > 0:
            mark[op] = 2
            stack[top] = op
            top += 1
    while top > 0:
        top -= 1
        op = stack[top]
        start = estart[op]
        for k in range(start, start + elen[op]):
            t = pool[k]
            if t >= 0 and mark[t] == 1:
                mark[t] = 2
                stack[top] = t
                top += 1
    found = 0
    for op in range(first, n):
        if mark[op] == 1:
            found += 1
    return found


def sort_rows(rows, n, mark, out):
    """The first N of ROWS in increasing order, into OUT (MARK: a zeroed byte per row, left zeroed);
    returns how many."""
    lo = len(mark)
    hi = 0
    for i in range(n):
        r = rows[i]
        mark[r] = 1
        if r < lo:
            lo = r
        if r > hi:
            hi = r
    m = 0
    for r in range(lo, hi + 1):
        if mark[r]:
            mark[r] = 0
            out[m] = r
            m += 1
    return m
