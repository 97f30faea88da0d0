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


def toolbar_fragments(status: dict, columns: int = 80) -> Fragments:
    """backend and model │ gc on/off │ each count against its threshold │ debug flags │ frozen │ objects,
    in at most COLUMNS characters: the labels and numbers get shorter as the terminal narrows."""
    for level in range(4):
        out = _toolbar(status, level)
        if sum(len(text) for _, text in out) <= columns:
            return out
    return out


def _toolbar(status: dict, short: int) -> Fragments:
    """The toolbar at a level of shortness: 0 in full; 1 numbers as 12k, 1.2M and one `count` label;
    2 debug flags as their value and no model; 3 the fewest words."""
    number = str if short == 0 else _human
    out: Fragments = [("class:toolbar.backend", f" {status.get('backend', '?')}")]
    if status.get("model") and short < 2:
        out.append(("class:toolbar.backend", f" {status['model']}"))
    enabled = status.get("enabled")
    if enabled is not None:
        out += [SEPARATOR, ("class:toolbar.label", "gc " if short < 3 else ""),
                ("class:toolbar.on" if enabled else "class:toolbar.off", "on" if enabled else "off")]
    counts, thresholds = status.get("count") or [], status.get("threshold") or []
    if counts:
        out.append(SEPARATOR)
        if short and short < 3:
            out.append(("class:toolbar.label", "count "))
        for gen, (count, limit) in enumerate(zip(counts, thresholds)):
            style = "class:toolbar.due" if limit and count >= limit else "class:toolbar.value"
            label = (f"{'  ' if gen else ''}gen{gen} ") if not short else (" " if gen else "")
            out += [("class:toolbar.label", label), (style, number(count)),
                    ("class:toolbar.label", f"/{number(limit)}")]
    debug = status.get("debug") or 0
    out += [SEPARATOR, ("class:toolbar.label", "debug " if short < 3 else "dbg "),
            ("class:toolbar.value", debug_text(debug) if short < 2 or not debug else str(debug))]
    out += [SEPARATOR, ("class:toolbar.label", "frozen " if short < 3 else "fz "),
            ("class:toolbar.value", number(status.get("frozen", 0)))]
    objects = status.get("objects", 0)
    out += [SEPARATOR, ("class:toolbar.value", number(objects)),
            ("class:toolbar.label", (" object " if objects == 1 else " objects ") if short < 3 else " obj ")]
    return out


def _human(n: int) -> str:
    """12345 -> 12k, 1234567 -> 1.2M: at most four characters for any count a heap reaches."""
    for size, suffix in ((10**9, "G"), (10**6, "M"), (10**3, "k")):
        if n >= size:
            value = n / size
            return f"{value:.1f}{suffix}" if value < 10 else f"{value:.0f}{suffix}"
    return str(n)


def debug_text(value: int) -> str:
    """The debug flags, short: LEAK, STATS|SAVEALL, or off."""
    if not value:
        return "off"
    if value == DEBUG_FLAGS["DEBUG_LEAK"]:
        return "LEAK"
    return "|".join(name.removeprefix("DEBUG_") for name in flag_names(value))
