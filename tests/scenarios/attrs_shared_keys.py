# Counts after an instance gets N attribute names, for N = 1..40, each with a class of its own.
# In 3.11+ the names live in the class's shared keys, which hold about 30; the first name that
# does not fit gives the instance a real __dict__: one more collectable object.
import gc
gc.disable()


def trial(n):
    class Object:
        pass
    gc.collect()
    o = Object()
    for k in range(n):
        setattr(o, "k%d" % k, o)  # a cycle: o.k0 is o
    count = gc.get_count()
    del o
    return count, gc.collect()


for n in range(1, 41):
    print(f"names={n}:", *trial(n))
