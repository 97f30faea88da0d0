"""Text generated from the command registry and the command line's parser, never written by hand:
README's command table, the command reference page and the options of the command-line page.

    python -m gcsh.tools.docgen [README.md]   rewrite all three (the docs/ beside that README)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ..commands.registry import TOPICS, all_commands
from ..values import BACKENDS

REFERENCE_PAGE = Path("docs/reference/commands.md")
COMMAND_LINE_PAGE = Path("docs/command-line.md")
GENERATED = ("<!-- Generated from gcsh's command registry by `python -m gcsh.tools.docgen`; "
             "edit the @command declarations in gcsh/commands/, not this page. -->")


def _also(c) -> str:
    words = (*c.aliases, *c.query_aliases)
    return f" (also {', '.join(f'`{a}`' for a in words)})" if words else ""


def command_table() -> str:
    rows = ["| command | does | gc API |", "|---|---|---|"]
    for topic in TOPICS:
        for c in all_commands():
            if c.topic == topic:
                usage = c.usage.replace("|", "\\|")
                rows.append(f"| `{usage}`{_also(c)} | {c.summary} | {c.gc_api or '—'} |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def command_reference() -> str:
    """The whole reference page: every command by topic, with usage, arguments, aliases and examples."""
    commands = all_commands()
    out = [GENERATED, "", "# Command reference", "",
           "Every command gcsh knows, by topic, as `help COMMAND` shows it in the shell. A `gc` function's "
           "name (`get_count`, `set_debug`, `is_tracked`, …) works as a command too; it is listed under "
           "*also*. Commands marked with a backend exist only there.", ""]
    for topic, title in TOPICS.items():
        members = [c for c in commands if c.topic == topic]
        if members:
            out.append(f"- [{title}](#{_anchor(title)}): " + ", ".join(f"[`{c.name}`](#{c.name})" for c in members))
    for topic, title in TOPICS.items():
        members = [c for c in commands if c.topic == topic]
        if not members:
            continue
        out += ["", f"## {title}"]
        for c in members:
            out += _command_section(c)
    return "\n".join(out) + "\n"


def _command_section(c) -> list[str]:
    out = ["", f"### `{c.name}`", "", "```text", c.usage, "```", "", c.summary[0].upper() + c.summary[1:] + "."]
    if c.details:
        out += ["", c.details]
    if c.args or c.options:
        out += ["", "| argument | meaning |", "|---|---|"]
        for a in c.args:
            shape = ("optional" if a.optional else "required") + (", any number" if a.variadic else "")
            out.append(f"| `{a.name}{'...' if a.variadic else ''}` | {_cell(a.help)} ({shape}; {a.type.describe}) |")
        for o in c.options:
            flag = (f"{o.short}, " if o.short else "") + o.name + (f" {o.metavar}" if o.type else "")
            out.append(f"| `{flag}` | {_cell(o.help)} |")
    facts = []
    if c.aliases or c.query_aliases:
        facts.append("also: " + ", ".join(f"`{w}`" for w in (*c.aliases, *c.query_aliases)))
    if c.gc_api:
        facts.append("gc API: " + ", ".join(f"`{api.strip()}`" for api in c.gc_api.split(",")))
    if tuple(c.backends) != tuple(BACKENDS):
        facts.append(f"backend: {' and '.join(c.backends)} only")
    if facts:
        out += [""] + [f"{fact}  " if i < len(facts) - 1 else fact for i, fact in enumerate(facts)]
    if c.examples:
        out += ["", "```gcsh", *c.examples, "```"]
    return out


def _anchor(title: str) -> str:
    return re.sub(r"[^\w\s-]", "", title.lower()).strip().replace(" ", "-")


def command_line_options() -> str:
    """The usage line and a table of the options, from the table `gcsh` itself parses with."""
    from ..cli import OPTIONS, POSITIONAL, usage
    rows = ["```", usage(), "```", "", "| option | meaning |", "|---|---|",
            f"| `{POSITIONAL[0]}...` | {_cell(POSITIONAL[1])} |"]
    for opt in OPTIONS:
        value = ""
        if opt.takes_value:
            words = opt.choice_words()
            value = " " + ("{" + ",".join(words) + "}" if words else opt.metavar)
        names = ", ".join(f"`{flag}{value}`" for flag in opt.flags)
        rows.append(f"| {names} | {_cell(opt.help)} |")
    return "\n".join(rows)


def _replace_between(text: str, begin: str, end: str, body: str) -> str:
    return re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: begin + "\n" + body + "\n" + end,
                  text, flags=re.S)


BEGIN, END = "<!-- commands:begin -->", "<!-- commands:end -->"
OPTIONS_BEGIN, OPTIONS_END = "<!-- options:begin -->", "<!-- options:end -->"


def write_if_changed(path: Path, new: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == new:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")
    return True


def update_readme(path: Path) -> bool:
    """Rewrite README's command table from the registry; True if it changed."""
    text = path.read_text(encoding="utf-8")
    return write_if_changed(path, _replace_between(text, BEGIN, END, command_table()))


def expected_pages(root: Path) -> dict[Path, str]:
    """Every generated text under docs/, as it should read now."""
    pages = {root / REFERENCE_PAGE: command_reference()}
    cli_page = root / COMMAND_LINE_PAGE
    if cli_page.exists():
        pages[cli_page] = _replace_between(cli_page.read_text(encoding="utf-8"), OPTIONS_BEGIN, OPTIONS_END,
                                           command_line_options())
    return pages


def update_docs(root: Path) -> list[Path]:
    """Regenerate the generated pages under root/docs; the paths that changed."""
    return [path for path, text in expected_pages(root).items() if write_if_changed(path, text)]


if __name__ == "__main__":
    readme = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    update_readme(readme)
    if (readme.resolve().parent / "docs").is_dir():
        update_docs(readme.resolve().parent)
