# Counts after making an N-item tuple (1), then deleting it (2), then making another (3), for
# N = 1..25: tuples of each length up to the free-list limit are kept for reuse, and a tuple taken
# from a free list is not counted again. gc.collect() empties the free lists before each trial.
import gc
gc.disable()


def counts_after(items, steps):
    gc.collect()
    t = tuple(items)
    if steps > 1:
        del t
    if steps > 2:
        t = tuple(items)
    return gc.get_count()


for n in range(1, 26):
    items = [1] * n
    print(f"length={n}:", *(counts_after(items, steps) for steps in (1, 2, 3)))
