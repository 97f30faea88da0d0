"""Bounded, printable text for labels: never a full repr, never a raw control character."""

from __future__ import annotations

NAME_LIMIT = 40
LABEL_LIMIT = 30
SUMMARY_LIMIT = 60

_VISIBLE = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

GENERATION_TITLES = {
    0: "generation 0", 1: "generation 1", 2: "generation 2",
    "permanent": "permanent generation (frozen)",
    "collecting": "being collected",
    "freed": "freed by this collection",
    "untracked": "untracked (the collector never looks at these)",
}


def printable(text: str, limit: int) -> str:
    """TEXT with control characters made visible, cut to LIMIT characters with '…'."""
    if not text.isprintable():
        text = "".join(_VISIBLE.get(c, c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256
                                    else f"\\u{ord(c):04x}") for c in text[:limit * 2])
    return text if len(text) <= limit else text[:limit - 1] + "…"


def listing(names: list[str], limit: int = 8, empty: str = "none") -> str:
    """NAMES joined by commas, the first LIMIT of them, then how many more."""
    if not names:
        return empty
    shown = ", ".join(names[:limit])
    return shown + (f" (+{len(names) - limit} more)" if len(names) > limit else "")


def generation_title(generation) -> str:
    return GENERATION_TITLES.get(generation, str(generation))


def generation_order(generation) -> tuple:
    """Sort key: generations 0, 1, 2, then permanent, then the rest, untracked last."""
    if isinstance(generation, int):
        return (0, generation, "")
    return (2, 0, "") if generation == "untracked" else (1, 0, str(generation))
