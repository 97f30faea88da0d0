import gc
gc.disable()
gc.collect()  # the start-up heap's own garbage is not ours to count
l = []; l.append(l); del l
print("isenabled:", gc.isenabled(), " manual collect() still works ->", gc.collect())
