"""What `alloc`, `link` and `unlink` do to real containers, worded as the simulator words it.

A list appends, a dict stores under a key (the item's name, or a literal's value), a
set adds, an instance sets an attribute; `unlink` removes the first reference it
finds, by identity (a literal: by value). Errors are raised before anything changes.
"""

from __future__ import annotations

from ...errors import UserError
from .objects import kind_of
from .records import Record

INSTANCE_KINDS = ("object", "finalizer")
CONTAINERS = (list, dict, set)


def dict_key(label: str, obj: object, literal: bool):
    """A dict item's key, as the simulator picks it: the item's name, or a literal's value."""
    return obj if literal else label


def attr_name(label: str, obj: object, literal: bool) -> str:
    """An attribute's name, as the simulator picks it: the item's name, or v + a literal's value."""
    return f"v{obj}" if literal else label.replace(".", "_")


def check_hashable(obj: object, label: str) -> None:
    try:
        hash(obj)
    except TypeError as e:  # CPython names the unhashable type (a list inside a tuple, say)
        raise UserError(f"{e} (a set cannot hold {label})") from None


def check_store(src: object, src_name: str, item: object, label: str, key) -> None:
    """The error `_store` would raise, before anything changes."""
    kind = kind_of(src)
    if kind == "tuple":
        raise UserError(f"'tuple' object does not support item assignment ({src_name} got its items at alloc)")
    if type(src) not in CONTAINERS and kind not in INSTANCE_KINDS:
        raise UserError(f"{src_name} is a {kind}, which cannot hold references")
    if type(src) is set:
        check_hashable(item, label)
    if kind in INSTANCE_KINDS and key is not None and not str(key).isidentifier():
        raise UserError(f"attribute name must be an identifier, got {key!r}")


def store(src: object, item: object, label: str, literal: bool, key) -> str:
    """SRC now references ITEM; returns the label of the new reference (as the simulator's)."""
    if type(src) is list:
        src.append(item)
        return str(len(src) - 1)
    if type(src) is set:
        src.add(item)
        return "member"
    if type(src) is dict:
        k = key if key is not None else dict_key(label, item, literal)
        src[k] = item
        return k
    name = str(key) if key is not None else attr_name(label, item, literal)
    setattr(src, name, item)
    return name


def same(a: object, b: object, literal: bool) -> bool:
    return a is b or literal and type(a) is type(b) and a == b


def remove(src: object, src_name: str, item: object, label: str, literal: bool, rec: Record | None) -> str:
    """Drop SRC's first reference to ITEM (a literal: one equal to it); returns its label."""
    if type(src) is list:
        for i, x in enumerate(src):
            if same(x, item, literal):
                del src[i]
                return str(i)
    elif type(src) is dict:
        for k, v in src.items():
            if same(v, item, literal):
                del src[k]
                return k
    elif type(src) is set:
        if item in src:
            src.discard(item)
            return "member"
    elif rec is not None:
        for attr in rec.attrs:
            if same(getattr(src, attr, None), item, literal):
                delattr(src, attr)
                rec.attrs.remove(attr)
                return attr
        raise UserError(f"{src_name} does not reference {label} through an attribute gcsh set "
                        f"(to remove another, use: py del {src_name}.ATTRIBUTE)")
    raise UserError(f"{src_name} does not reference {label}")
