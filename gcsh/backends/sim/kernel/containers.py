"""Container mutation, as Objects/listobject.c, dictobject.c, setobject.c and the instance
dict code do it: a store (list append, dict item, set add, attribute) and its removal.

3.11+ instances keep their attributes inline, in the order of their class's shared keys,
until a name the shared keys have no room for gives the instance a real __dict__; 3.10
instances have a __dict__ from their first attribute. A dict becomes tracked lazily, when
it first holds something that may be (MAINTAIN_TRACKING).
"""

from __future__ import annotations

from bisect import bisect_left

from ....errors import UserError
from .layout import DICT, INSTANCE_KINDS, KEYED, LIST, SET, TUPLE, UNHASHABLE, WEAKREF, kind_code

INSTANCES = frozenset(kind_code(k) for k in INSTANCE_KINDS)


class Containers:
    """The container operations of `Heap` (mixed into it: every attribute is the heap's)."""


    def store(self, src: int, item, key=None) -> str:
        """SRC now references ITEM: list append, dict item, set add or attribute. Returns the label."""
        code = self.kind[src]
        if code in INSTANCES and (self.model.instance_dict or src in self.instance_dict):
            return self.store(self._dict_of(src), item, self._attr_name(item, key))
        if code == LIST:
            if type(item) is int:  # (incref, inline: most stores are list appends)
                self.add_ref(item, 1)
            self.edge_append(src, item)
            return str(self.elen[src] - 1)
        if code == SET:
            if not any(self.equal(member, item) for member in self.items(src)):
                self.incref(item)
                self.edge_append(src, item)
            return "member"  # an equal member is there already: the set is unchanged
        if code == DICT or code in INSTANCES:
            key = self._attr_name(item, key) if code in INSTANCES else self._dict_key(item, key)
            keys = self.keys.get(src)
            if keys and key in keys:
                i = keys.index(key)
                old = self.decode(self.pool[self.estart[src] + i])
                self.incref(item)
                self.edge_set(src, i, item)
                self.decref(old)
            elif code in INSTANCES:
                self._store_attribute(src, item, key)
            else:
                self._append_keyed(src, item, key)
            if code == DICT and self.may_be_tracked(item):
                self.track(src)  # MAINTAIN_TRACKING: the dict becomes tracked lazily
            return key
        raise UserError(self._immutable_message(src))

    def _append_keyed(self, src: int, item, key) -> None:
        self.incref(item)
        self.edge_append(src, item)
        keys = self.keys.get(src)
        if keys is None:
            self.table_set(self.keys, src, [key])
            self.set_flag(src, KEYED)
        else:
            self.seq_append(keys, key)

    def _store_attribute(self, src: int, item, key: str) -> None:
        """3.11+: inline values are visited (and cleared) in the order of the class's shared keys,
        so the attribute goes where that order puts it. A new name the shared keys have no room
        for gives the instance a real __dict__, which takes this attribute and every later one."""
        kind = self.kind_of(src)
        shared = self.shared_keys.get(kind, ())
        if key not in shared:
            room = self.shared_keys_room(kind)
            if room <= 0:
                self.store(self._materialize(src), item, key)
                return
            self.table_set(self.shared_room, kind, room - 1)
            shared += (key,)
            self.table_set(self.shared_keys, kind, shared)
        keys = self.keys.get(src) or []
        rank = shared.index(key)
        i = bisect_left([shared.index(k) if k in shared else -1 for k in keys], rank)
        self.incref(item)
        if not keys:
            self.table_set(self.keys, src, [key])
            self.set_flag(src, KEYED)
            self.edge_append(src, item)
        else:
            self.seq_insert(keys, i, key)
            self.edge_insert(src, i, item)
        order = self.attr_order.get(src)
        if order is None:
            self.table_set(self.attr_order, src, [key])
        else:
            self.seq_append(order, key)

    def shared_keys_room(self, kind: str) -> int:
        """How many more names the class's shared keys take (their dk_usable)."""
        room = self.shared_room.get(kind)
        if room is None:
            return max(0, self.model.shared_keys_max - len(self.shared_keys.get(kind, ())))
        return room

    def _init_inline_values(self, kind: str) -> None:
        """3.11+ init_inline_values: a new instance's values array takes one slot of the class's
        shared keys while more than one is left (so the more instances, the fewer names fit)."""
        room = self.shared_keys_room(kind)
        if room > 1:
            self.table_set(self.shared_room, kind, room - 1)

    def _materialize(self, inst: int) -> int:
        """3.11+ make_dict_from_instance_attributes: the instance's values move into a new dict (in
        the order they were set, as dictresize keeps it), which the instance then references alone;
        tracked if a value may be. The dict is allocated first: a collection there sees the values
        still in the instance."""
        d = self.new_object("dict", f"{self.name_of(inst)}.__dict__")
        keys = self.keys.get(inst) or []
        items = self.items(inst)
        order = self.table_pop(self.attr_order, inst) or list(keys)
        values = [items[keys.index(k)] for k in order]
        if order:
            self.edges_set(d, values)
            self.table_set(self.keys, d, list(order))
            self.set_flag(d, KEYED)
        self.edges_set(inst, [d])
        self.table_set(self.keys, inst, ["__dict__"])
        self.set_flag(inst, KEYED)
        self.add_ref(d, 1)
        self.table_set(self.instance_dict, inst, d)
        if self.model.dicts_always_tracked or any(self.may_be_tracked(v) for v in values):
            self.track(d)
        return d

    def check_store(self, src: int, item, key=None) -> None:
        """Raise the error `store` would raise, before anything changes."""
        if self.kind[src] == LIST:
            return  # a list takes anything
        kind = self.kind_of(src)
        if kind not in ("list", "set", "dict") and kind not in INSTANCE_KINDS:
            raise UserError(self._immutable_message(src))
        if kind == "set":
            self.check_hashable(item)
        if kind in INSTANCE_KINDS and key is not None and (type(key) is not str or not key.isidentifier()):
            raise UserError(f"attribute name must be an identifier, got {key!r}")

    def check_hashable(self, item, outer=None) -> None:
        """A set member must be hashable: no list, dict or set, nor a tuple holding one."""
        if type(item) is not int:
            return
        kind = self.kind_of(item)
        if kind in UNHASHABLE:
            held = f" (a set cannot hold {self.name_of(outer if outer is not None else item)})"
            raise UserError(f"unhashable type: '{kind}'{held}")
        if kind == "tuple":
            for member in self.items(item):
                self.check_hashable(member, item if outer is None else outer)

    def equal(self, a, b) -> bool:
        """`a == b` as a set sees it: tuples by their items, weakrefs by their live referents,
        every other object by identity, literals by value."""
        if a is b or a == b:
            return True
        if type(a) is not int or type(b) is not int or self.kind[a] != self.kind[b]:
            return False
        if self.kind[a] == TUPLE:
            ra, rb = self.items(a), self.items(b)
            return len(ra) == len(rb) and all(self.equal(x, y) for x, y in zip(ra, rb))
        if self.kind[a] == WEAKREF:
            ta, tb = self.referent.get(a), self.referent.get(b)
            return ta is not None and tb is not None and self.equal(ta, tb)
        return False

    def _immutable_message(self, src: int) -> str:
        kind = self.kind_of(src)
        if kind == "tuple":
            return f"'tuple' object does not support item assignment ({self.name_of(src)} got its items at alloc)"
        return f"{self.name_of(src)} is a {kind}, which cannot hold references"

    def _dict_key(self, item, key):
        if key is not None:
            return key
        return self.name_of(item) if type(item) is int else item.value

    def _attr_name(self, item, key) -> str:
        if key is not None:
            return str(key)
        return self.name_of(item).replace(".", "_") if type(item) is int else f"v{item.value}"

    def _dict_of(self, inst: int) -> int:
        """3.10: the instance's __dict__, created (untracked) on the first attribute store."""
        d = self.instance_dict.get(inst)
        if d is None:
            d = self.new_object("dict", f"{self.name_of(inst)}.__dict__")
            self.table_set(self.instance_dict, inst, d)
            self.edges_set(inst, [d])
            self.table_set(self.keys, inst, ["__dict__"])
            self.set_flag(inst, KEYED)
            self.add_ref(d, 1)
            if self.model.dicts_always_tracked:
                self.track(d)
        return d

    def remove(self, src: int, item) -> str:
        """Drop one reference from SRC to ITEM (the first one); returns its label."""
        holder = self.instance_dict.get(src, src) if self.kind[src] in INSTANCES else src
        items = self.items(holder)
        if item not in items:
            raise UserError(f"{self.name_of(src)} does not reference {self.label(item)}")
        i = items.index(item)
        keys = self.keys.get(holder)
        label = keys[i] if keys is not None else str(i)
        self.edge_delete(holder, i)
        if keys is not None:
            self.seq_delete(keys, i)
            order = self.attr_order.get(holder)
            if order is not None:
                self.seq_delete(order, order.index(label))
        self.decref(item)
        return label if self.kind[holder] != SET else "member"
