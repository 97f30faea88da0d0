"""gc_list_*: the doubly linked lists through `nxt`/`prv`, read as runs, and the journal pages
a loop will write.

A list is read once as runs (`list_runs`): stretches of rows that follow each
other on it in increasing order, as objects allocated one after another do. A
loop then takes each run as a range of rows, and what needs no order as one
span operation (spans.py).
"""

from ..layout import COLLECTING, NGC, PAGE_SHIFT, TUPLE, UNREACHABLE
from .spans import consecutive, span_rows


def list_init(nxt, prv, head):
    nxt[head] = head
    prv[head] = head


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


# ---------------------------------------------------------------- runs


def list_runs(nxt, head, op, starts, ends, n):
    """HEAD's list as runs, from node OP on: stretches of rows that follow each other on the list
    in increasing order (run r is rows STARTS[r] to ENDS[r] - 1), written from N until STARTS is
    full. Returns (how many runs, the node to go on from: HEAD when the list is done)."""
    limit = len(nxt) - 1
    while op != head and n < len(starts):
        last = op
        if nxt[op] == op + 1:  # (a run of one row, common in a list whose order is mixed up: no call)
            last = op + consecutive(nxt, op, limit)
        starts[n] = op
        ends[n] = last + 1
        n += 1
        op = nxt[last]
    return n, op


def run_rows(starts, ends, nruns, out):
    """The rows of the runs, in order, into OUT; returns how many."""
    n = 0
    for r in range(nruns):
        span_rows(out, n, starts[r], ends[r])
        n += ends[r] - starts[r]
    return n


# ---------------------------------------------------------------- pages a loop will write (saved in the journal first)


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
