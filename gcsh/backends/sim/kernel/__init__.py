"""The simulator's kernel: CPython's heap and cyclic collector over typed columns.

    layout.py     the row format (columns, list heads, markers, flags, kinds)
    store.py      the state and its one writer; the read API
    journal.py    what each command changed: rollback, undo, redo
    names.py      object names (given, computed from bulk ranges, generated)
    heap.py       CPython's object semantics: allocation, containers, refcounting, weakrefs
    loops/        the collector's hot loops (plain Python that numba compiles), by phase
    accel.py      the `fast` extra: the loops compiled, where it pays
    collector.py  gc_collect_main, phase by phase: unreachable.py (deduce_unreachable,
                  untracking), finalizers.py, deletion.py (delete_garbage), incremental.py
    trace.py      the typed events a traced collection records
"""
