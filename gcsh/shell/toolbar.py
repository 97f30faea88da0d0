"""The prompt and the bottom toolbar, as prompt_toolkit formatted text (lists of (style, text)).

Both are pure functions of what the backend reports (`describe()`, `status()`),
so they are tested without a terminal. The style names are defined in
`gcsh.shell.style`.
"""

from __future__ import annotations

from ..commands.collector import flag_names
from ..commands.registry import DEBUG_FLAGS

Fragments = list[tuple[str, str]]
SEPARATOR = ("class:toolbar.sep", " │ ")


def prompt_fragments(describe: str, failed: bool = False) -> Fragments:
    """`gcsh sim 3.11> `; the `>` turns to the error style after a failed command."""
    return [("class:prompt.name", "gcsh"), ("", " "), ("class:prompt.backend", describe),
            ("class:prompt.arrow.error" if failed else "class:prompt.arrow", "> ")]


def toolbar_fragments(status: dict) -> Fragments:
    """backend and model │ gc on/off │ each count against its threshold │ debug flags │ frozen │ objects."""
    out: Fragments = [("class:toolbar.backend", f" {status.get('backend', '?')}")]
    if status.get("model"):
        out.append(("class:toolbar.backend", f" {status['model']}"))
    enabled = status.get("enabled")
    if enabled is not None:
        out += [SEPARATOR, ("class:toolbar.label", "gc "),
                ("class:toolbar.on" if enabled else "class:toolbar.off", "on" if enabled else "off")]
    counts, thresholds = status.get("count") or [], status.get("threshold") or []
    if counts:
        out.append(SEPARATOR)
        for gen, (count, limit) in enumerate(zip(counts, thresholds)):
            style = "class:toolbar.due" if limit and count >= limit else "class:toolbar.value"
            out += [("class:toolbar.label", f"{'  ' if gen else ''}gen{gen} "), (style, str(count)),
                    ("class:toolbar.label", f"/{limit}")]
    out += [SEPARATOR, ("class:toolbar.label", "debug "),
            ("class:toolbar.value", debug_text(status.get("debug") or 0))]
    out += [SEPARATOR, ("class:toolbar.label", "frozen "), ("class:toolbar.value", str(status.get("frozen", 0)))]
    objects = status.get("objects", 0)
    out += [SEPARATOR, ("class:toolbar.value", str(objects)),
            ("class:toolbar.label", " object " if objects == 1 else " objects ")]
    return out


def debug_text(value: int) -> str:
    """The debug flags, short: LEAK, STATS|SAVEALL, or off."""
    if not value:
        return "off"
    if value == DEBUG_FLAGS["DEBUG_LEAK"]:
        return "LEAK"
    return "|".join(name.removeprefix("DEBUG_") for name in flag_names(value))
