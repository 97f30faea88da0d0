"""What a `snapshot` copies: the live objects, in the collector's list order, with their generations.

`gather_all` takes every tracked object but gcsh's own (and the containers of the copying
itself), generation by generation, then the user's untracked objects; `gather_reach` only
what the named objects reach, stopping at types, modules, code and modules' namespaces.
Both return the objects, their generation markers and their ids, for tosim.load.
"""

from __future__ import annotations

import gc
import operator
import sys
import types
from itertools import compress, repeat

from ..sim.kernel.layout import PERMANENT, UNTRACKED

SKIP_ON_REACH = (type, types.ModuleType, types.CodeType)  # a copy by names stops at these


def gather_all(backend) -> tuple[list, list, list]:
    """Every tracked object of generations 0-2 but gcsh's own and gc.garbage itself, in list
    order, then the user's objects the collector does not track; and their ids."""
    skip = set(backend._own_ids())
    objs: list = []
    gens: list = []
    ids: list = []
    skip.update(map(id, (gc.garbage, skip, objs, gens, ids)))  # gc.garbage becomes the copy's; the rest is this copying
    for g in (0, 1, 2):
        part = gc.get_objects(g)
        part_ids = list(map(id, part))
        keep = list(map(operator.not_, map(skip.__contains__, part_ids)))
        objs.extend(compress(part, keep))
        ids.extend(compress(part_ids, keep))
        gens.extend(repeat(g, len(objs) - len(gens)))
        del part, part_ids, keep
    seen = set(ids)
    recs = [rec for rec in backend.records.alive() if rec.oid not in seen]
    for obj in backend.records.fetch(recs).values():
        objs.append(obj)
        ids.append(id(obj))
        gens.append(UNTRACKED if not gc.is_tracked(obj) else PERMANENT)
    return objs, gens, ids


def gather_reach(backend, names: list[str]) -> tuple[list, list]:
    """What the named objects reach: containers, instances, functions and the user's values,
    not types, modules, code nor the modules' namespaces."""
    start = [backend.records.find(name) for name in names]
    user = set(backend.records.by_id)
    module_dicts = {id(vars(m)) for m in list(sys.modules.values()) if m is not None}
    seen: set[int] = set()
    objs: list = []
    stack = start
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        objs.append(obj)
        for ref in gc.get_referents(obj):
            i = id(ref)
            if i in seen or i in module_dicts or isinstance(ref, SKIP_ON_REACH):
                continue
            if i in user or gc.is_tracked(ref) or type(ref) in (dict, tuple):
                stack.append(ref)
    del start, stack
    index = _generations_of(objs)
    gens = [index.get(id(obj), UNTRACKED if not gc.is_tracked(obj) else PERMANENT) for obj in objs]
    return objs, gens, list(map(id, objs))


def _generations_of(objs: list) -> dict[int, int]:
    wanted = set(map(id, objs))
    out: dict[int, int] = {}
    for g in (0, 1, 2):
        for obj in gc.get_objects(g):
            if id(obj) in wanted:
                out[id(obj)] = g
    return out
