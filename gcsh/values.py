"""Values shared by the command language and the backends: literal items and the name syntax.

It sits below both, so that a backend never imports from `commands`.
"""

from __future__ import annotations

import re

# The gc module's debug flags, as gc.DEBUG_* spells them.
DEBUG_STATS, DEBUG_COLLECTABLE, DEBUG_UNCOLLECTABLE, DEBUG_SAVEALL = 1, 2, 4, 32
DEBUG_LEAK = DEBUG_COLLECTABLE | DEBUG_UNCOLLECTABLE | DEBUG_SAVEALL
DEBUG_FLAGS = {"DEBUG_STATS": DEBUG_STATS, "DEBUG_COLLECTABLE": DEBUG_COLLECTABLE,
               "DEBUG_UNCOLLECTABLE": DEBUG_UNCOLLECTABLE, "DEBUG_SAVEALL": DEBUG_SAVEALL, "DEBUG_LEAK": DEBUG_LEAK}

# The backends, with what each is.
BACKENDS = {"sim": "the simulated collector", "live": "the real gc module of this interpreter"}

# An object's name: an identifier, or dotted identifiers for generated names (`a.__dict__`).
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
# A handle: `@` and a few hex digits that a backend gives an object it prints (`@7f3a`); it is
# accepted wherever a name is, and the backend that gave it out resolves it.
HANDLE_RE = re.compile(r"@[0-9a-f]{1,16}\Z")


class Atom:
    """A literal item (int or str) held by a container: a value, not a heap object."""

    __slots__ = ("value",)

    def __init__(self, value: int | str):
        object.__setattr__(self, "value", value)

    def __setattr__(self, name, value):
        raise AttributeError("Atom is immutable")

    def __reduce__(self):
        return Atom, (self.value,)

    def __eq__(self, other) -> bool:
        return type(other) is Atom and type(other.value) is type(self.value) and other.value == self.value

    def __hash__(self) -> int:
        return hash((type(self.value), self.value))

    def __repr__(self) -> str:
        return f"Atom({self.value!r})"

    def __str__(self) -> str:
        return repr(self.value)


# How many names a list shows before it summarises the rest ("… and 999,990 more"); `--all` shows all.
NAME_LIMIT = 10


def name_list(names, limit: int | None = NAME_LIMIT) -> str:
    """NAMES (any sequence with len() and slicing) joined by commas: the first LIMIT of them,
    then how many more (LIMIT None: all). The cost is LIMIT names, however long the list."""
    total = len(names)
    if limit is None or total <= limit:
        return ", ".join(names[:total])
    return ", ".join(names[:limit]) + f", … and {total - limit:,} more"
