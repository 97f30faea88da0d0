"""untrack_tuples and untrack_dicts: the survivors that can hold no tracked object leave the lists."""

from ..layout import UNTRACKED
from .lists import list_remove, may_be_tracked
from .spans import count_value


def count_kind(kind, starts, ends, nruns, which):
    n = 0
    for r in range(nruns):
        n += count_value(kind, starts[r], ends[r], which)
    return n


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
