"""What a command handler returns: data for --json and lines for people."""

from __future__ import annotations


class Result:
    __slots__ = ("data", "text")

    def __init__(self, data: dict | None = None, text: list[str] | None = None):
        self.data = {} if data is None else data  # the JSON "result" object
        self.text = [] if text is None else text  # the text rendering, one entry per line

    def __eq__(self, other) -> bool:
        return type(other) is Result and (self.data, self.text) == (other.data, other.text)

    __hash__ = None

    def __repr__(self) -> str:
        return f"Result({self.data!r}, {self.text!r})"

    def add(self, line: str) -> "Result":
        self.text.append(line)
        return self


# How many names a list shows before it summarises the rest ("… and 999,990 more"); `--all` shows all.
NAME_LIMIT = 10


def name_list(names, limit: int | None = NAME_LIMIT) -> str:
    """NAMES (any sequence with len() and slicing) joined by commas: the first LIMIT of them,
    then how many more (LIMIT None: all). The cost is LIMIT names, however long the list."""
    total = len(names)
    if limit is None or total <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", … and {total - limit:,} more"


def pylist(names, limit: int | None = None) -> str:
    """Names shown the way Python shows a list of objects, but by name."""
    return "[" + name_list(names, limit) + "]"


def freed_line(names, limit: int | None = NAME_LIMIT) -> list[str]:
    return [f"freed: {name_list(names, limit)}"] if len(names) else []
