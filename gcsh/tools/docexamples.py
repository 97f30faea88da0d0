"""The examples page, docs/examples.md, generated from the command files in examples/.

Each example file starts with a comment: its first line is the title, the rest a description. The page
shows each file as it is and, under a `<!-- gcsh: examples/NAME.gcsh -->` directive, what
`gcsh --echo examples/NAME.gcsh` prints; those outputs are filled in and checked like every other session
(gcsh.tools.doctest_sessions), and carried over here when the page is generated again.
"""

from __future__ import annotations

import re
from pathlib import Path

PAGE = Path("docs/examples.md")
HEADER = """<!-- Generated from examples/*.gcsh by `python -m gcsh.tools.doctest_sessions --update`; edit the example files. -->

# Examples

Each file in `examples/` is a gcsh command file, one topic per file. Run one with

```
gcsh examples/NAME.gcsh
```

or add `--echo` to see each command before its output, as below. Every example sets the model it was
written for, so it prints the same whatever Python runs gcsh.
"""
_TRANSCRIPT = re.compile(r"<!-- gcsh: (?P<file>examples/[\w.-]+\.gcsh) -->\n\n```gcshcon\n(?P<body>.*?)\n```", re.S)


def describe(source: str) -> tuple[str, list[str]]:
    """An example's title and description, from the comment it starts with."""
    lines = []
    for line in source.split("\n"):
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip())
    if not lines or not lines[0]:
        raise ValueError("an example starts with a comment line: its title")
    return lines[0], lines[1:]


def page_text(root: Path) -> str:
    """The page as it should read, keeping the outputs already recorded in it."""
    page = root / PAGE
    recorded = {m["file"]: m["body"] for m in _TRANSCRIPT.finditer(page.read_text(encoding="utf-8"))} \
        if page.exists() else {}
    parts = [HEADER]
    for path in sorted((root / "examples").glob("*.gcsh")):
        source = path.read_text(encoding="utf-8")
        title, description = describe(source)
        name = f"examples/{path.name}"
        body = "\n".join(line for line in description).strip()
        parts.append(f"## {title}\n\n`{name}`" + (f": {body}" if body else "") + "\n\n"
                     f"```gcsh\n{source.rstrip()}\n```\n\n"
                     f"<!-- gcsh: {name} -->\n\n```gcshcon\n{recorded.get(name, 'gcsh> (not run yet)')}\n```\n")
    return "\n".join(parts)


def update_page(root: Path) -> bool:
    from .docgen import write_if_changed
    return write_if_changed(root / PAGE, page_text(root))
