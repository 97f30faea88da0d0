"""Text generated from the command registry: README's command table, the reference."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .commands.registry import TOPICS, all_commands


def command_table() -> str:
    rows = ["| command | does | gc API |", "|---|---|---|"]
    for topic in TOPICS:
        for c in all_commands():
            if c.topic == topic:
                usage = c.usage.replace("|", "\\|")
                also = f" (also {', '.join(f'`{a}`' for a in (*c.aliases, *c.query_aliases))})" \
                    if c.aliases or c.query_aliases else ""
                rows.append(f"| `{usage}`{also} | {c.summary} | {c.gc_api.replace(', ', ', ') or '—'} |")
    return "\n".join(rows)


BEGIN, END = "<!-- commands:begin -->", "<!-- commands:end -->"


def update_readme(path: Path) -> bool:
    """Rewrite README's command table from the registry; True if it changed."""
    text = path.read_text(encoding="utf-8")
    new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), BEGIN + "\n" + command_table() + "\n" + END,
                 text, flags=re.S)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    update_readme(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
