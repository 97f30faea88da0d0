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

from .layout import (COLLECTING, DICT, FINALIZER, FREED, FREED_BY_GC, KEYED, LEGACY, LIST, NGC, PAGE_SHIFT,
                     TUPLE, UNREACHABLE, UNTRACKED, WEAKREF, WEAKREFD)

# Small helpers the compiled loops inline (a call between compiled functions costs more than they do).
INLINE = frozenset({"list_init", "list_append", "list_remove", "list_move", "is_collecting", "is_tracked",
                    "may_be_tracked", "uncount", "push_children", "mark_page"})

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


def update_refs(nxt, gen, refcnt, gc_refs, young):
    """gc_refs = ob_refcnt, and PREV_MASK_COLLECTING, for every object of YOUNG; returns how many."""
    n = 0
    op = nxt[young]
    while op != young:
        gc_refs[op] = refcnt[op]
        gen[op] = COLLECTING
        n += 1
        op = nxt[op]
    return n


def subtract_refs(nxt, gen, estart, elen, pool, gc_refs, young):
    """visit_decref: minus one for every reference from a member of the set to another."""
    op = nxt[young]
    while op != young:
        start = estart[op]
        for k in range(start, start + elen[op]):
            t = pool[k]
            if t >= 0 and is_collecting(gen[t]):
                gc_refs[t] -= 1
        op = nxt[op]


def move_unreachable(nxt, prv, gen, kind, estart, elen, pool, gc_refs, young, unreachable, old, moves):
    """Walk YOUNG from head to tail. An object with gc_refs > 0 is reachable: it stays, leaves the
    collecting set (its marker becomes OLD, the generation it will join) and whatever it references
    becomes reachable too: an object already moved to UNREACHABLE goes back to the tail of YOUNG
    (so the walk reaches it again), one not reached yet gets gc_refs 1. An object with gc_refs 0 is
    moved to UNREACHABLE for now. Lists and tuples are traversed from their last item.

    MOVES, when not empty, receives each step as three ints (op, 0, 0) reachable, (op, 1, 0)
    unreachable, (target, 2, op) moved back by op. Returns (how many ints were written, how many
    objects are left on UNREACHABLE)."""
    record = len(moves) > 0
    m = 0
    left = 0
    op = nxt[young]
    while op != young:
        if gc_refs[op] > 0:
            if record:
                moves[m] = op
                moves[m + 1] = 0
                moves[m + 2] = 0
                m += 3
            start = estart[op]
            end = start + elen[op]
            backwards = kind[op] == LIST or kind[op] == TUPLE
            for i in range(start, end):
                k = end - 1 - (i - start) if backwards else i
                t = pool[k]
                if t < 0:
                    continue
                g = gen[t]
                if g == UNREACHABLE:
                    list_move(nxt, prv, t, young)
                    gen[t] = COLLECTING
                    gc_refs[t] = 1
                    left -= 1
                    if record:
                        moves[m] = t
                        moves[m + 1] = 2
                        moves[m + 2] = op
                        m += 3
                elif g == COLLECTING and gc_refs[t] == 0:
                    gc_refs[t] = 1
            gen[op] = old
            op = nxt[op]
        else:
            after = nxt[op]
            list_move(nxt, prv, op, unreachable)
            gen[op] = UNREACHABLE
            left += 1
            if record:
                moves[m] = op
                moves[m + 1] = 1
                moves[m + 2] = 0
                m += 3
            op = after
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


def count_kind(nxt, kind, head, which):
    n = 0
    op = nxt[head]
    while op != head:
        if kind[op] == which:
            n += 1
        op = nxt[op]
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


def scan_garbage(nxt, gen, kind, flags, estart, elen, pool, head, mark, pages, rows):
    """One walk of the garbage on HEAD's list: returns (-1 if it is not plain, else 1 if it references
    objects outside itself and 0 if not; its references; how many pages PAGES got; how many rows
    ROWS got). PAGES receives the pages holding its rows that MARK did not mark yet (marking them),
    ROWS the rows in list order."""
    edges = 0
    outside = 0
    nrows = 0
    npages = mark_page(mark, pages, 0, head)
    op = nxt[head]
    while op != head:
        k = kind[op]
        if k == FINALIZER or k == LEGACY or k == WEAKREF or flags[op] & WEAKREFD:
            return -1, 0, npages, nrows
        rows[nrows] = op
        nrows += 1
        p = op >> PAGE_SHIFT  # (mark_page, written out: compiled, the call would cost more than this)
        if mark[p] == 0:
            mark[p] = 1
            pages[npages] = p
            npages += 1
        start = estart[op]
        edges += elen[op]
        if outside == 0:
            for i in range(start, start + elen[op]):
                t = pool[i]
                if t >= 0 and not is_collecting(gen[t]):
                    outside = 1
                    break
        op = nxt[op]
    return outside, edges, npages, nrows


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


def delete_plain(gen, flags, kind, refcnt, estart, elen, pool, rows, nrows, free, caps, count, longest_tuple,
                 stack, freed):
    """delete_garbage for a plain garbage list (see scan_garbage and garbage_edges), given its ROWS in
    list order: take the first object still alive, tp_clear it under a temporary reference (a list
    from its last item; a tuple has no tp_clear); the refcount cascade frees, depth first, what
    reaches 0 (release what it references, then its memory). In plain garbage every object dies
    and nothing outside it does, so the list itself is simply emptied afterwards (unlink_all). FREED
    receives the freed rows in order; returns (how many were freed, how many of them hold keys).

    push_children and uncount are written out here: compiled, a call per object would cost more
    than the work it does."""
    nfreed = 0
    keyed = 0
    for r in range(nrows):
        op = rows[r]
        if gen[op] == FREED:
            continue  # freed already, by an earlier object's clear
        refcnt[op] += 1
        stack[0] = op  # the temporary reference, dropped after the items
        top = 1
        x = op
        clear = kind[op] != TUPLE  # tp_clear: a tuple has none
        while True:
            if clear:  # push x's references so that they pop in traversal order
                start = estart[x]
                end = start + elen[x]
                backwards = kind[x] == LIST or kind[x] == TUPLE
                for i in range(start, end):
                    t = pool[i if backwards else end - 1 - (i - start)]
                    if t >= 0:
                        stack[top] = t
                        top += 1
                if kind[x] != TUPLE:  # a tuple keeps its length until its memory goes: it picks the free list
                    elen[x] = 0
            if top == 0:
                break
            top -= 1
            x = stack[top]
            clear = False
            if x < 0:
                x = ~x
                k = kind[x]  # uncount: to its free list, or count0 - 1
                if k < NGC:
                    slot = -1
                    if k == LIST:
                        slot = 0
                    elif k == DICT:
                        slot = 1
                    elif k == TUPLE and 0 < elen[x] <= longest_tuple:
                        slot = 1 + elen[x]
                    if slot >= 0 and free[slot] < caps[slot]:
                        free[slot] += 1
                    elif count[0] > 0:
                        count[0] -= 1
                elen[x] = 0
                gen[x] = FREED
                flags[x] |= FREED_BY_GC
                if flags[x] & KEYED:
                    keyed += 1
                freed[nfreed] = x
                nfreed += 1
                continue
            refcnt[x] -= 1
            if refcnt[x] == 0:
                stack[top] = ~x
                top += 1
                clear = True
    return nfreed, keyed


def unlink_all(nxt, prv, head, rows, nrows):
    """Empty HEAD's list, whose members ROWS are all freed."""
    for r in range(nrows):
        nxt[rows[r]] = -1
        prv[rows[r]] = -1
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


def list_pages(nxt, head, mark, out, n):
    """Add to OUT (from N) each page holding a row of HEAD's list (and the heads' page) that MARK
    has not marked yet, marking it; returns the new N."""
    n = mark_page(mark, out, n, head)
    op = nxt[head]
    while op != head:
        p = op >> PAGE_SHIFT  # (mark_page, written out: compiled, the call would cost more than this)
        if mark[p] == 0:
            mark[p] = 1
            out[n] = p
            n += 1
        op = nxt[op]
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
