"""The row layout of the simulated heap: what each column holds, as CPython's object headers do.

Every object is a row of typed columns (`array.array`, so nothing is imported at
start-up), indexed by its id; ids are never reused. Rows 0..HEADS-1 are not
objects but the heads of the collector's doubly linked lists, linked through
`nxt`/`prv` exactly as `PyGC_Head._gc_next`/`_gc_prev` link them in
Modules/gcmodule.c, so that list order (what `gc.get_objects()` shows) comes out
of the same list operations CPython performs.

    column   type    what it holds
    refcnt   int32   ob_refcnt
    gc_refs  int32   the collector's working count (scratch, only meaningful during a collection)
    gen      int8    which list the row is on (a generation, PERMANENT, a working list's marker), or
                     UNTRACKED / FREED; the collector's PREV_MASK_COLLECTING and NEXT_MASK_UNREACHABLE
                     bits are the markers COLLECTING and UNREACHABLE
    flags    uint8   FINALIZED, RESURRECTS, WEAKREFD, FREED_BY_GC, HIDDEN, KEYED
    kind     uint16  a code from KINDS (list, dict, ...; other type names get codes as they appear)
    nxt/prv  int32   the list links (-1 when untracked)
    estart/elen/ecap int32  the row's references: a slice of the edge pool, in storage order

The edge pool is one int32 array; an entry >= 0 is a row, an entry < 0 is ~k for
literal k (an int or str value held by a container). Everything rare lives in
side tables keyed by row (see store.py).
"""

from __future__ import annotations

# ---------------------------------------------------------------- list heads (rows 0..7)
GEN0, GEN1, GEN2 = 0, 1, 2
PERMANENT = 3  # gc.freeze()'s permanent generation
UNREACHABLE_HEAD = 4  # gc_collect_main's `unreachable`
FINALIZERS_HEAD = 5  # `finalizers`: the legacy finalizers and what they reach
WRCB_HEAD = 6  # handle_weakrefs' `wrcb_to_call`
STILL_HEAD = 7  # finalize_garbage's `seen`, then `still_unreachable` / `final_unreachable`
HEADS = 8  # the first object's row

# ---------------------------------------------------------------- markers in `gen`
# 0, 1, 2 and PERMANENT: tracked, on that generation's list
COLLECTING = 4  # in the set being collected (PREV_MASK_COLLECTING)
UNTRACKED = 5
FREED = 6
UNREACHABLE = 7  # on move_unreachable's `unreachable` list (NEXT_MASK_UNREACHABLE)
HEAD = 8  # the row is a list head
TRACKED_MARKERS = frozenset({GEN0, GEN1, GEN2, PERMANENT, COLLECTING, UNREACHABLE})

# ---------------------------------------------------------------- bits in `flags`
FINALIZED = 1  # tp_finalize has run (_PyGCHead_FINALIZED)
RESURRECTS = 2  # a Finalizer whose __del__ stores itself in a root
WEAKREFD = 4  # weak references to it exist (the side table `weakrefs` lists them)
FREED_BY_GC = 8  # freed by the collector, not by its refcount reaching 0 (for error messages)
HIDDEN = 16  # made by CPython on the way (a weakref callback tuple): left out of freed lists
KEYED = 32  # has an entry in the side table `keys` (dict keys, attribute names)

# ---------------------------------------------------------------- kinds
# The first NGC kinds are GC objects; LIST and TUPLE are traversed from their last item.
KINDS = ["list", "dict", "set", "tuple", "object", "finalizer", "legacy", "weakref", "function",
         "int", "str", "head"]
LIST, DICT, SET, TUPLE, OBJECT, FINALIZER, LEGACY, WEAKREF, FUNCTION, INT, STR, HEAD_KIND = range(12)
NGC = 9
assert FINALIZER + 1 == LEGACY == WEAKREF - 1  # what runs code or needs a side table: one range (loops/garbage.py)
KIND_CODES = {name: code for code, name in enumerate(KINDS)}

GC_KINDS = frozenset(KINDS[:NGC])
INSTANCE_KINDS = frozenset({"object", "finalizer", "legacy"})
WEAKREFABLE = frozenset({"set", "object", "finalizer", "legacy", "function"})
UNHASHABLE = frozenset({"list", "dict", "set"})
# CPython's tp_name of each kind (`gc: collectable <Object 0x…>`), the one type name every view,
# row and debug line gives an object; kinds not listed are their own type's name.
TYPE_NAMES = {"object": "Object", "finalizer": "Finalizer", "legacy": "Legacy",
              "weakref": "weakref.ReferenceType", "function": "function"}

# ---------------------------------------------------------------- pages (the journal's unit)
PAGE_SHIFT = 8
PAGE = 1 << PAGE_SHIFT  # rows (or pool entries) per saved page


def kind_code(name: str) -> int:
    """The code of a kind, given one the first time an unknown type name is seen (live copies)."""
    code = KIND_CODES.get(name)
    if code is None:
        if len(KINDS) >= 65535:
            raise OverflowError("too many distinct types")
        code = KIND_CODES[name] = len(KINDS)
        KINDS.append(name)
    return code


def address(op: int) -> str:
    """A stable pseudo-address, printed where CPython prints `%p` (object 0 is 0x7f0000001000)."""
    return f"0x{0x7F0000001000 + 0x40 * (op - HEADS):x}"


def handle(op: int) -> str:
    """The handle `@hex` that names the object whatever its name."""
    return f"@{op - HEADS:x}"
