"""deduce_unreachable: update_refs, subtract_refs, move_unreachable (visit_reachable inlined),
over the collected set given as runs (lists.py)."""

from ..layout import COLLECTING, LIST, TUPLE, UNREACHABLE
from .lists import list_move
from .spans import copy_span, fill, zeros_from


def update_refs(gen, refcnt, gc_refs, starts, ends, nruns):
    """gc_refs = ob_refcnt, and PREV_MASK_COLLECTING, for every object of the set (given as runs);
    returns how many."""
    n = 0
    for r in range(nruns):
        a = starts[r]
        b = ends[r]
        copy_span(gc_refs, refcnt, a, b)
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
        for op in range(a, b):
            k = estart[op]
            end = k + elen[op]
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
