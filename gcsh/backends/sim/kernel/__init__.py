"""The simulator's kernel: CPython's heap and cyclic collector over typed columns.

    layout.py     the row format (columns, list heads, markers, flags, kinds)
    store.py      the state and its one writer: journaled writes, new rows, side tables
    lists.py      the collector's doubly linked lists (gc_list_append, _remove, _move, _merge)
    edges.py      each object's references: a slice of the edge pool
    reads.py      the read API every other module uses
    journal.py    what each command changed: rollback, undo, redo
    names.py      object names (given, computed from bulk ranges, generated)
    heap.py       CPython's object semantics: allocation, tracking, free lists, roots
    containers.py list append, dict and set items, attributes (inline values, __dict__)
    dealloc.py    Py_DECREF and the dealloc cascade: finalizers, tp_del, weakrefs, items
    weakrefs.py   weak references and their callbacks (PyObject_ClearWeakRefs)
    build.py      many new rows at once: bulk commands, load, a live snapshot
    loops/        the collector's hot loops (plain Python that numba compiles), by phase
    accel.py      the `fast` extra: the loops compiled, where it pays
    collector.py  gc_collect_main, phase by phase: unreachable.py (deduce_unreachable,
                  untracking), finalizers.py, deletion.py (delete_garbage), incremental.py
    trace.py      the typed events a traced collection records
"""
