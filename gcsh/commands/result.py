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


def pylist(names) -> str:
    """Names shown the way Python shows a list of objects, but by name."""
    return "[" + ", ".join(names) + "]"


def freed_line(names: list[str]) -> list[str]:
    return [f"freed: {', '.join(names)}"] if names else []
