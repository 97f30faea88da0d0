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


from ..values import NAME_LIMIT, name_list  # noqa: F401  (the one summariser, shared with the backends)


def pylist(names, limit: int | None = None) -> str:
    """Names shown the way Python shows a list of objects, but by name."""
    return "[" + name_list(names, limit) + "]"


def freed_line(names, limit: int | None = NAME_LIMIT) -> list[str]:
    return [f"freed: {name_list(names, limit)}"] if len(names) else []
