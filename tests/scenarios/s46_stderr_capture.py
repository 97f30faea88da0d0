import gc, io, sys
gc.disable()
gc.collect()  # the start-up heap's own garbage is not ours to count
buf = io.StringIO()
old = sys.stderr
sys.stderr = buf
gc.set_debug(gc.DEBUG_STATS | gc.DEBUG_COLLECTABLE)
l = []; l.append(l); del l
gc.collect(0)
gc.set_debug(0)
sys.stderr = old
lines = buf.getvalue().splitlines()
print("captured via sys.stderr replacement:", len(lines), "lines; first:", lines[:1])
