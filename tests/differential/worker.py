"""Runs translated gcsh programs on a real interpreter, one per input line.

Started once per interpreter by the differential tests (natively as
`pythonX.Y worker.py`, in WebAssembly through pyodide.mjs): it reads JSON
lines `{"source": ..., "names": [...], "values": {...}}`
and answers each with one JSON line `{"rec": [...], "err": "...", "error": ...}`.

Each program is isolated: it gets a fresh namespace with fresh classes, the
collector is reset (collect, freeze everything that exists, collect again,
so that the program's objects are alone in generations 0-2 and
long_lived_total starts at 0), and afterwards everything is undone.

Everything a program runs between its prologue and its end is chosen so that
it allocates no GC object besides the program's own: records are flat lists of
ints and strs, loops index instead of iterating, and (3.10) every Python
function is called once before the prologue so that its frame already exists.
"""

import gc
import io
import json
import sys
import traceback
import types
import weakref

try:
    import _testcapi
    with_tp_del = getattr(_testcapi, "with_tp_del", None)
except ImportError:  # a build without the test module: no legacy finalizers
    with_tp_del = None

HELPERS = r'''
_wref = weakref.ref
_sp = gc.isenabled          # a C call: the safe point that ends every command (3.12+)
_MISSING = object()
_ONCE = object()            # held by this namespace alone: what getrefcount adds to a true refcount

class Object:
    pass

class Finalizer:
    def __del__(self):
        n = _idn.get(id(self))
        _rec.append("D"); _rec.append(n)
        if n in _resurrect:
            _g[n] = self

class Legacy:
    def __tp_del__(self):
        _rec.append("T"); _rec.append(_idn.get(id(self)))

def _settle():
    # The incremental collector (3.14.0-3.14.4) lists old[0] before old[1] in gc.get_objects(2),
    # whichever of them is the visited space, and which one it is depends on every collection this
    # worker ran before. Called with the permanent generation empty, so that each full collection
    # swaps the spaces: leave old[0] visited, so that the prologue's next collect() makes old[1]
    # the visited space, as the simulator starts.
    x = []
    gc.collect(0)
    L = gc.get_objects(2)
    i = 0
    while i < len(L) and L[i] is not x:
        i += 1
    found = i < len(L)
    L = None
    if not found:
        return  # the generational collector: a survivor of collect(0) is in generation 1
    a = []
    gc.collect(2)  # a goes to the visited space, which then becomes the pending one
    b = []
    gc.collect(0)  # b goes to the visited space
    L = gc.get_objects(2)
    i = 0
    while L[i] is not a and L[i] is not b:
        i += 1
    if L[i] is a:  # a in old[0]: old[1] is visited now
        L = None
        gc.collect(2)
    L = None

def _reg(o, n):
    _idn[id(o)] = n
    _rec.append("R"); _rec.append(_err.tell()); _rec.append(id(o)); _rec.append(n)

def _gccb(phase, info):
    _rec.append("G"); _rec.append(phase); _rec.append(info["generation"])
    _rec.append(info["collected"]); _rec.append(info["uncollectable"])

def _stats():
    s = gc.get_stats()
    _rec.append("S")
    g = 0
    while g < 3:
        _rec.append(s[g]["collections"]); _rec.append(s[g]["collected"]); _rec.append(s[g]["uncollectable"])
        g += 1
    s = None

def _referrers():
    k = 0
    while k < len(_NAMES):
        n = _NAMES[k]
        o = _g.get(n, _MISSING)
        if o is not _MISSING and type(o) is not int and type(o) is not str:
            L = gc.get_referrers(o)
            _rec.append("F"); _rec.append(n); _rec.append(len(L))
            i = 0
            while i < len(L):
                r = _idn.get(id(L[i]))
                _rec.append("?" + type(L[i]).__name__ if r is None else r)
                i += 1
            L = None
        k += 1
    o = None

def _m():
    en = gc.isenabled()
    gc.disable()
    c = gc.get_count()
    _rec.append("M"); _rec.append(c[0]); _rec.append(c[1]); _rec.append(c[2])
    c = None
    g = 0
    while g < 3:
        L = gc.get_objects(g)
        _rec.append("g"); _rec.append(len(L))
        i = 0
        while i < len(L):
            o = L[i]
            n = _idn.get(id(o))
            if n is None:
                n = "?" + type(o).__name__
            _rec.append(n)
            i += 1
        o = None
        L = None
        g += 1
    o = _g.get("_ONCE", _MISSING)
    extra = sys.getrefcount(o) - 1  # the local and the argument: 2, or fewer where 3.14+ borrow them
    k = 0
    while k < len(_NAMES):
        n = _NAMES[k]
        o = _g.get(n, _MISSING)
        if o is not _MISSING:
            _rec.append("b"); _rec.append(n); _rec.append(sys.getrefcount(o) - extra)
            _rec.append(gc.is_tracked(o)); _rec.append(gc.is_finalized(o))
        k += 1
    o = None
    G = gc.garbage
    _rec.append("z"); _rec.append(len(G))
    i = 0
    while i < len(G):
        n = _idn.get(id(G[i]))
        _rec.append("?" if n is None else n)
        i += 1
    G = None
    _rec.append("f"); _rec.append(gc.get_freeze_count())
    _rec.append("e"); _rec.append(_err.tell())
    if en:
        gc.enable()
'''


def namespace(program):
    ns = {"__builtins__": __builtins__, "__name__": "__gcsh_program__", "gc": gc, "sys": sys,
          "weakref": weakref}
    exec(compile(HELPERS, "<helpers>", "exec"), ns)
    if with_tp_del is not None:
        ns["Legacy"] = with_tp_del(ns["Legacy"])
    ns.update(_g=ns, _idn={}, _rec=[], _resurrect=set(), _err=io.StringIO(), _NAMES=tuple(program["names"]))
    ns.update(program["values"])
    return ns


def warm_up(ns, code):
    """Call every Python function once so that 3.10 keeps a frame for it (no allocation later).
    The objects it needs are of a class of their own: each instance of a class takes room in its
    shared keys (3.11+), so the program's classes must make none before the program does."""
    class Warm:
        pass
    dummy = Warm()
    ns["Finalizer"].__del__(dummy)
    ns["Legacy"].__tp_del__(dummy)
    ns["_reg"](dummy, "dummy")
    ns["_gccb"]("start", {"generation": 0, "collected": 0, "uncollectable": 0})
    ns["_m"]()
    ns["_stats"]()
    ns["_referrers"]()
    ns["_settle"]()
    target = Warm()
    ref = weakref.ref(target)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):  # the weakref callbacks' lambdas
            types.FunctionType(const, ns)(ref)
    del ref, target, dummy
    ns["_rec"].clear()
    ns["_idn"].clear()
    ns["_err"].seek(0)
    ns["_err"].truncate()


def run(program):
    ns = namespace(program)
    ns["_SOURCE"] = program["source"]
    code = compile(program["source"], "<program>", "exec")
    warm_up(ns, code)
    real_stderr = sys.stderr
    error = None
    sys.stderr = ns["_err"]
    try:
        exec(code, ns)  # its first line resets the collector (see Program.source in harness.py)
        gc.disable()
        ns["_stats"]()
        ns["_referrers"]()
    except BaseException:
        error = traceback.format_exc()
    finally:
        gc.disable()
        gc.set_debug(0)
        sys.stderr = real_stderr
        while ns["_gccb"] in gc.callbacks:
            gc.callbacks.remove(ns["_gccb"])
        gc.unfreeze()
    result = {"rec": list(ns["_rec"]), "err": ns["_err"].getvalue(), "error": error}
    cleanup(ns)
    del ns
    return result


def cleanup(ns):
    """Break whatever the program left uncollectable, so the next program starts clean."""
    for _ in range(10):
        for name in ns["_NAMES"]:  # again each time: a finalizer may have stored itself back
            ns.pop(name, None)
        gc.collect()  # the namespace lives on in its own cycle until here: finalizers can still log
        if not gc.garbage and not any(name in ns for name in ns["_NAMES"]):
            return
        for o in gc.garbage:
            if isinstance(o, (list, dict, set)):
                o.clear()
            elif hasattr(o, "__dict__"):
                o.__dict__.clear()
        gc.garbage.clear()
    raise RuntimeError("a program left garbage that cannot be cleared:\n" + ns.get("_SOURCE", ""))


def serve(line):
    """One request line in, one reply line out (also what pyodide.mjs calls, in WebAssembly).
    A request {"probe": true} asks what this interpreter is."""
    request = json.loads(line)
    if request.get("probe"):
        import platform
        return json.dumps({"version": platform.python_version(), "tp_del": with_tp_del is not None})
    return json.dumps(run(request))


def main():
    gc.disable()
    out = sys.stdout
    for line in sys.stdin:
        if line.strip():
            out.write(serve(line) + "\n")
            out.flush()


if __name__ == "__main__":
    main()
