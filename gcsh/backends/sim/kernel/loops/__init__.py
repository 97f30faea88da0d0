"""The collector's hot loops over the columns, in the subset of Python that numba compiles.

Plain loops over typed arrays and ints, nothing else: `accel.py` compiles the
modules of this package with numba's `@njit(cache=True)` when the `fast` extra
is installed and a collection is large; otherwise the same functions run as
plain Python over the `array.array` columns, with identical results. They never
touch the side tables, so a row that needs them (a finalizer, a weakref, a
legacy finalizer, an object that is weakly referenced) is left to the Python
phases (finalizers.py, deletion.py).

These functions write only rows whose pages the caller has saved in the journal
first (`run_pages`, `target_pages`), so that a failed or interrupted command can
be rolled back. Names follow Modules/gcmodule.c, module by phase:

    spans.py      operations on a stretch of a column (a loop, and a C-speed form for the plain path)
    lists.py      gc_list_*, lists read as runs, the pages a loop will write
    deduce.py     update_refs, subtract_refs, move_unreachable
    untrack.py    untrack_tuples, untrack_dicts
    garbage.py    delete_garbage for plain garbage, with the refcount cascade of what it frees
    questions.py  questions about the whole heap (cycles, paths, what a collection would find)

This package gathers their functions: `loops.update_refs`, whichever module holds it.
"""

from .deduce import move_unreachable, subtract_refs, update_refs
from .garbage import delete_plain, free_rows, garbage_edges, scan_garbage, uncount, uncount_all, unlink_all
from .lists import (is_collecting, is_tracked, list_append, list_init, list_merge, list_move, list_remove,
                    list_runs, list_size, mark_page, may_be_tracked, run_pages, run_rows, span_pages, target_pages)
from .questions import group_rows, shortest_path, sort_rows, strong_components, unreachable_now
from .spans import (LOOP_FORMS, consecutive, copy_span, count_between, count_bit, count_value, fill, set_bit,
                    span_rows, span_sum, zeros_from)
from .untrack import count_kind, untrack_kind

MODULES = ("spans", "lists", "deduce", "untrack", "garbage", "questions")  # each after those it uses
# Small helpers the compiled loops inline (a call between compiled functions costs more than they do).
INLINE = frozenset({"list_init", "list_append", "list_remove", "list_move", "is_collecting", "is_tracked",
                    "may_be_tracked", "uncount", "mark_page"})
