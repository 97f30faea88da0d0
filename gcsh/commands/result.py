"""What a command handler returns: data for --json and lines for people."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Result:
    data: dict = field(default_factory=dict)  # the JSON "result" object
    text: list[str] = field(default_factory=list)  # the text rendering, one entry per line

    def add(self, line: str) -> "Result":
        self.text.append(line)
        return self


from ..values import NAME_LIMIT, name_list  # noqa: F401  (the one summariser, shared with the backends)


def pylist(names, limit: int | None = None) -> str:
    """Names shown the way Python shows a list of objects, but by name."""
    return "[" + name_list(names, limit) + "]"


def freed_line(names, limit: int | None = NAME_LIMIT) -> list[str]:
    return [f"freed: {name_list(names, limit)}"] if len(names) else []
