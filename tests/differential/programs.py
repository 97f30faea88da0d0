"""Random gcsh programs, drawn command by command from the simulator's current state.

Every command is drawn so that it means the same thing in gcsh and in Python,
then run in the simulator; the simulator's answer (which key a link used,
which index an unlink removed) gives its Python translation.

What the drawing avoids, and why:
- a set holds at most one object: CPython orders a set by hash (an address),
  so two objects in a set would be visited in an order the simulator cannot know;
- instances get their attributes at `alloc` only in 3.10: `Object()` is a call,
  so a 3.12+ collection scheduled by it runs before any attribute store;
- attribute names come from a small pool, so a class's shared keys never fill, and tuples
  are short, far from the free lists' limits (a `wide` generator lifts both: 40 names, with
  commands that give one instance many of them, and tuples of up to 25 items, made, dropped
  and made again);
- only bound names are used: in Python an unbound object has no name;
- no weakref or threshold command where a 3.10/3.11 collection could start inside
  the Python call (its argument tuple would be alive in it), and a command that
  may free a legacy object runs between `disable` and `enable` (see `emit`).
"""

from __future__ import annotations

from hypothesis import strategies as st

from .harness import CALLBACK, SimRunner

INSTANCES = ("object", "finalizer", "legacy")
WEAKREFABLE = ("object", "finalizer", "legacy", "set")
CONTAINERS = ("list", "dict", "set", "object", "finalizer", "legacy")
ATTRS = ("k0", "k1", "k2", "k3")
WIDE_ATTRS = tuple(f"k{i}" for i in range(40))  # past the ~30 names a class's shared keys hold
WIDE_TUPLE = 25  # past the longest tuples the free lists keep (19 or 20 items)
LITERALS = (1, 7, "s", "t")
FLAGS = {"DEBUG_STATS": 1, "DEBUG_COLLECTABLE": 2, "DEBUG_UNCOLLECTABLE": 4, "DEBUG_SAVEALL": 32}


class Generator:
    def __init__(self, data, model: str, legacy: bool = True, max_commands: int = 30, wide: bool = False):
        self.data = data
        self.attrs = WIDE_ATTRS if wide else ATTRS
        self.longest_tuple = WIDE_TUPLE if wide else 3
        self.weights = {**self.WEIGHTS, "attrs": 3, "retuple": 1} if wide else self.WEIGHTS
        self.runner = SimRunner(model)
        self.kinds = ["list", "dict", "set", "tuple", "object", "finalizer"] + (["legacy"] if legacy else [])
        self.max_commands = max_commands
        self.serial = 0
        self.callbacks = False

    @property
    def heap(self):
        return self.runner.heap

    @property
    def program(self):
        return self.runner.program

    def draw(self, strategy):
        return self.data.draw(strategy)

    def bound(self, kinds=None) -> list[str]:
        heap = self.heap
        return sorted(n for n, op in heap.roots.items() if kinds is None or heap.kind[op] in kinds)

    def kind(self, name: str) -> str:
        return self.heap.kind[self.heap.roots[name]]

    # ------------------------------------------------------------ building a program

    # How often each command is drawn: mostly building cycles, dropping names and collecting.
    WEIGHTS = {"alloc": 5, "link": 6, "ring": 5, "del": 4, "drop": 1, "collect": 5, "unlink": 1, "weakref": 2, "threshold": 1,
               "enable": 1, "disable": 1, "flags": 1, "garbage": 1, "freeze": 1, "callbacks": 1, "watch": 2,
               "saveall": 1}

    def build(self):
        n = self.draw(st.integers(1, self.max_commands))
        choices = [name for name, weight in self.weights.items() for _ in range(weight)]
        if self.draw(st.booleans()):  # small thresholds: automatic collections come into play
            self.cmd_threshold()
        for _ in range(n):
            choice = "alloc" if len(self.heap.roots) < 2 else self.draw(st.sampled_from(choices))
            getattr(self, "cmd_" + choice)()
        if self.draw(st.integers(0, 3)):  # most programs end by dropping their names and collecting
            self.cmd_drop()
            self.cmd_collect(2)
        return self.program

    def emit(self, line: str, translate, scratch=(), frees=False) -> dict | None:
        """Run LINE in the simulator and record its Python translation. A command that FREES
        objects by refcount while a legacy object lives runs between `disable` and `enable`:
        _testcapi's tp_del calls __tp_del__ through a bound method (an allocation a C type's
        tp_del would not make) and as Python code (a safe point), where a collection could start."""
        guard = frees and self.heap.enabled and any(self.heap.kind[op] == "legacy" and self.heap.alive(op)
                                                     for op in self.heap.by_name.values())
        if guard:
            self.cmd_disable()
        result = self.runner.run(line, scratch)
        if result is not None:
            self.program.python.append(translate(result))
        if guard:
            self.cmd_enable()
        return result

    def new_name(self) -> str:
        name = f"n{self.serial}"
        self.serial += 1
        self.program.names.append(name)
        return name

    def value(self, literal) -> str:
        """The Python global that holds a literal (so tuples of literals are built at run time)."""
        return self.program.values.setdefault(literal, f"_v{len(self.program.values)}")

    def item(self):
        """An item for a container: mostly a bound object, sometimes a literal."""
        names = self.bound()
        if not names or self.draw(st.integers(0, 4)) == 0:
            return ("lit", self.draw(st.sampled_from(LITERALS)))
        return ("name", self.draw(st.sampled_from(names)))

    def item_word(self, item) -> str:
        return item[1] if item[0] == "name" else (str(item[1]) if isinstance(item[1], int) else f'"{item[1]}"')

    def item_python(self, item) -> str:
        return item[1] if item[0] == "name" else self.value(item[1])

    # ------------------------------------------------------------ the commands

    def cmd_alloc(self, kind=None, size=None):
        kind = kind or self.draw(st.sampled_from(self.kinds))
        name = self.new_name()
        items = []
        if kind in ("list", "dict", "tuple"):
            if size is None:
                size = self.draw(st.integers(1 if kind == "tuple" else 0, self.longest_tuple if kind == "tuple" else 3))
            items = [i for i in (self.item() for _ in range(size)) if i is not None]
            if kind == "tuple" and not items:
                items = [("lit", 1)]
        elif kind == "set" and self.draw(st.booleans()):
            item = self.item()
            if item is not None and (item[0] == "lit" or self.kind(item[1]) in INSTANCES):
                items = [item]
        elif kind in INSTANCES and self.heap.model.instance_dict and self.draw(st.booleans()):
            # 3.10 only: `x = Object(); x.a = a` (in 3.12+ the call is a safe point before the stores,
            # and in 3.11+ names of many objects would overfill the class's shared keys)
            items = [self.item() for _ in range(self.draw(st.integers(1, 2)))]
        resurrect = kind == "finalizer" and self.draw(st.integers(0, 3)) == 0
        words = ["alloc", name, kind] + [self.item_word(i) for i in items] + (["--resurrect"] if resurrect else [])
        py_items = [self.item_python(i) for i in items]

        def translate(result):
            if kind == "list":
                stmt = f"{name} = [{', '.join(py_items)}]"
            elif kind == "tuple":
                stmt = f"{name} = ({', '.join(py_items)},)"
            elif kind == "set":
                stmt = f"{name} = {{{py_items[0]}}}" if py_items else f"{name} = set()"
            elif kind == "dict":
                keys = [repr(i[1]) for i in items]  # the simulator's key: the item's name, or the literal
                stmt = f"{name} = {{{', '.join(f'{k}: {v}' for k, v in zip(keys, py_items))}}}"
            else:
                stmt = f"{name} = {kind.capitalize()}()"
            stmts = [stmt]
            if resurrect:
                stmts.append(f'_resurrect.add("{name}")')
            stmts.append(f'_reg({name}, "{name}")')
            if kind in INSTANCES and items:
                attrs = [i[1] if i[0] == "name" else f"v{i[1]}" for i in items]
                stmts += [f"{name}.{a} = {v}" for a, v in zip(attrs, py_items)]
                stmts.append(f'_reg({name}.__dict__, "{name}.__dict__")')
            return stmts

        self.emit(" ".join(words), translate)
        return name

    def cmd_retuple(self):
        """A tuple of every length up to past the free lists' limit, each made, dropped and made
        again, from a drawn length on (wide programs only): what the free lists keep and give back
        shows in the counts, then and in the rest of the program."""
        first = self.draw(st.integers(0, self.longest_tuple - 1))
        for k in range(first, first + self.longest_tuple):
            size = 1 + k % self.longest_tuple
            name = self.cmd_alloc("tuple", size)
            if name in self.heap.roots:
                self.emit(f"del {name}", lambda result: [f"del {name}"], frees=True)
                self.cmd_alloc("tuple", size)

    def may_collect_inside(self, allocations: int) -> bool:
        """Could a 3.10/3.11 collection start inside this command's Python call? Then the call's
        argument tuple would be alive during it, which the simulator's commands know nothing of."""
        heap = self.heap
        return (not self.heap.model.deferred_collection and heap.enabled and heap.threshold[0] != 0
                and heap.count[0] + allocations > heap.threshold[0])

    def cmd_weakref(self, target=None, callback=None):
        targets = [n for n in self.bound(WEAKREFABLE)]
        if not targets:
            return None
        if self.may_collect_inside(3):  # collections stay out of the call
            self.cmd_disable()
            name = self.cmd_weakref(target, callback)
            self.cmd_enable()
            return name
        target = target or self.draw(st.sampled_from(targets))
        callback = self.draw(st.booleans()) if callback is None else callback
        if not callback and self.has_basic_ref(target):
            callback = True  # CPython would hand back the existing callback-less weakref
        name = self.new_name()

        def translate(result):
            if callback:
                return [f"{name} = _wref({target}, {CALLBACK})", f'_reg({name}, "{name}")',
                        f'_reg({name}.__callback__, "{name}.__callback__")']
            return [f"{name} = _wref({target})", f'_reg({name}, "{name}")']

        # weakref.ref(...) is called with an argument tuple (the type has no vectorcall)
        self.emit(f"weakref {name} {target}" + (" --callback" if callback else ""), translate,
                  ["tuple2" if callback else "tuple1"])
        return name

    def cmd_watch(self):
        """A weakref with a callback to an object whose name is then dropped: the callback runs when
        the object dies, at once by its refcount, or in a later collection if a cycle holds it."""
        targets = self.bound(WEAKREFABLE)
        if targets:
            target = self.draw(st.sampled_from(targets))
            self.cmd_weakref(target, callback=True)
            self.emit(f"del {target}", lambda result: [f"del {target}"], frees=True)

    def cmd_saveall(self):
        """DEBUG_SAVEALL while cycles become garbage and are collected: gc.garbage keeps them all."""
        self.emit("flags DEBUG_SAVEALL", lambda result: [f"gc.set_debug({FLAGS['DEBUG_SAVEALL']})"])
        self.cmd_ring()
        self.cmd_drop()
        self.cmd_collect()

    def has_basic_ref(self, target: str) -> bool:
        heap = self.heap
        return any(wr not in heap.callback for wr in heap.weakrefs.get(heap.roots[target], ()))

    def cmd_link(self):
        sources = self.bound(CONTAINERS)
        if sources:
            self.link(self.draw(st.sampled_from(sources)), self.item())

    def link(self, src, item, attr=None):
        kind = self.kind(src)
        key = None
        if kind == "set":
            held = self.heap.refs[self.heap.roots[src]] or []
            if held or (item[0] == "name" and self.kind(item[1]) not in INSTANCES):
                return
        elif kind in INSTANCES:
            key = attr or self.draw(st.sampled_from(self.attrs))
        elif kind == "dict" and self.draw(st.booleans()):
            key = self.draw(st.sampled_from(self.attrs))
        instance_dict_before = self.heap.instance_dict.get(self.heap.roots[src])
        holder = instance_dict_before or self.heap.roots[src]
        stored_key = key if key is not None or kind != "dict" else item[1]
        replaces = stored_key is not None and stored_key in (self.heap.keys[holder] or ())  # drops the old value
        dst = self.item_python(item)

        def translate(result):
            if kind == "list":
                stmts = [f"{src}.append({dst})"]
            elif kind == "set":
                stmts = [f"{src}.add({dst})"]
            elif kind == "dict":
                stmts = [f"{src}[{result['key']!r}] = {dst}"]
            else:
                stmts = [f"{src}.{result['key']} = {dst}"]
                op = self.heap.instance_dict.get(self.heap.roots[src])
                if op is not None and instance_dict_before is None:
                    stmts.append(f'_reg({src}.__dict__, "{src}.__dict__")')
            return stmts

        self.emit(f"link {src} {self.item_word(item)}" + (f" {key}" if key else ""), translate, frees=replaces)

    def cmd_ring(self):
        """Link one to three bound containers in a ring: a cycle, the collector's business."""
        sources = [n for n in self.bound(CONTAINERS) if self.kind(n) != "set"]
        if not sources:
            return
        ring = self.draw(st.lists(st.sampled_from(sources), min_size=1, max_size=3, unique=True))
        for src, dst in zip(ring, ring[1:] + ring[:1]):
            self.link(src, ("name", dst))

    def cmd_attrs(self):
        """Give one instance many attribute names at once (wide programs only)."""
        sources = self.bound(INSTANCES)
        if not sources:
            return
        src = self.draw(st.sampled_from(sources))
        for key in self.attrs[:self.draw(st.integers(1, len(self.attrs)))]:
            self.link(src, self.item(), key)

    def cmd_unlink(self):
        heap = self.heap
        sources = [n for n in self.bound(CONTAINERS) if self.held(n)]
        if not sources:
            return
        src = self.draw(st.sampled_from(sources))
        kind = self.kind(src)
        target = self.draw(st.sampled_from(self.held(src)))
        word = heap.name[target] if type(target) is int else self.item_word(("lit", target.value))
        if type(target) is int and heap.name[target] not in heap.roots:
            return  # only bound names can be written in Python

        def translate(result):
            key = result["key"]
            if kind == "list":
                return [f"del {src}[{key}]"]
            if kind == "dict":
                return [f"del {src}[{key!r}]"]
            if kind == "set":
                member = word if type(target) is int else self.value(target.value)
                return [f"{src}.remove({member})"]
            return [f"del {src}.{key}"]

        self.emit(f"unlink {src} {word}", translate, frees=True)

    def held(self, name: str) -> list:
        heap = self.heap
        op = heap.roots[name]
        holder = heap.instance_dict.get(op, op) if heap.kind[op] in INSTANCES else op
        if heap.kind[holder] not in ("list", "dict", "set") and heap.kind[holder] not in INSTANCES:
            return []
        return list(dict.fromkeys(heap.refs[holder] or []))

    def cmd_del(self):
        """Drop one to three names, mostly of objects that something else references too."""
        names = self.bound()
        if not names:
            return
        held = [n for n in names if self.heap.refcnt[self.heap.roots[n]] > 1]
        pool = held if held and self.draw(st.integers(0, 3)) else names
        chosen = self.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        self.emit("del " + " ".join(chosen), lambda result: ["del " + ", ".join(chosen)], frees=True)

    def cmd_drop(self):
        """Drop every name but one or two: what is left in cycles is garbage now."""
        names = self.bound()
        if not names:
            return
        keep = self.draw(st.lists(st.sampled_from(names), max_size=2, unique=True))
        chosen = [n for n in names if n not in keep]
        if chosen:
            self.emit("del " + " ".join(chosen), lambda result: ["del " + ", ".join(chosen)], frees=True)

    def cmd_collect(self, g=None):
        if g is None:
            g = self.draw(st.sampled_from([0, 0, 1, 2, 2]))
        self.emit(f"collect {g}", lambda result: ['_r = gc.collect(%d); _rec.append("X"); _rec.append(_r)' % g])

    def cmd_threshold(self):
        t = [self.draw(st.integers(1, 8)), self.draw(st.integers(1, 4)), self.draw(st.integers(1, 4))]
        if self.may_collect_inside(1):
            return
        # gc.set_threshold takes its arguments as a tuple (METH_VARARGS)
        self.emit("threshold %d %d %d" % tuple(t), lambda result: ["gc.set_threshold(%d, %d, %d)" % tuple(t)],
                  ["tuple3"])

    def cmd_enable(self):
        self.emit("enable", lambda result: ["gc.enable()"])

    def cmd_disable(self):
        self.emit("disable", lambda result: ["gc.disable()"])

    def cmd_flags(self):
        chosen = self.draw(st.lists(st.sampled_from(sorted(FLAGS)), max_size=3, unique=True))
        value = sum(FLAGS[f] for f in chosen)
        self.emit("flags " + ("|".join(chosen) or "0"), lambda result: [f"gc.set_debug({value})"])

    def cmd_garbage(self):
        self.emit("garbage clear", lambda result: ["gc.garbage.clear()"], frees=True)

    def cmd_freeze(self):
        self.emit("freeze", lambda result: ["gc.freeze()"])

    def cmd_callbacks(self):
        on = not self.callbacks
        self.callbacks = on
        self.emit(f"callbacks {'on' if on else 'off'}",
                  lambda result: ["gc.callbacks.append(_gccb)" if on else "gc.callbacks.remove(_gccb)"])
