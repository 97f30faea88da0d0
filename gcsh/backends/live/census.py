"""`types` and `growth`: how many tracked objects of each type, and what grew since last time.

What leak hunters reach for first (objgraph's show_most_common_types and
show_growth), without the collection objgraph runs before counting: the counts
are of the objects the collector tracks now, gcsh's own left out (and counted).
"""

from __future__ import annotations

import gc
from collections import Counter

from .objects import type_name


def count_types(own: set[int]) -> tuple[Counter, int]:
    """(objects per type name, how many of gcsh's own were left out)."""
    by_type: Counter = Counter()
    left_out = 0
    for obj in gc.get_objects():
        if id(obj) in own:
            left_out += 1
        else:
            by_type[type(obj)] += 1
    named: Counter = Counter()
    for tp, n in by_type.items():
        named[type_name(tp)] += n
    return named, left_out


def most_common(counts: Counter, limit: int) -> list[dict]:
    return [{"type": t, "count": n} for t, n in counts.most_common(limit)]


def growth(now: Counter, before: Counter | None, limit: int) -> list[dict]:
    """Types with more objects than BEFORE (everything, the first time), most growth first."""
    before = before or Counter()
    grown = [(n - before[t], t, n) for t, n in now.items() if n > before[t]]
    grown.sort(key=lambda g: (-g[0], g[1]))
    return [{"type": t, "count": n, "delta": d} for d, t, n in grown[:limit]]
