"""The shell's colours, by role, in the terminal's own 16 ANSI colours.

ANSI names rather than fixed RGB values follow the user's terminal theme, so
the shell reads the same on dark and light backgrounds. With colour off
(NO_COLOR, --color never) prompt_toolkit drops every colour and keeps only
bold, underline, dim and reverse, which is why each role that matters also
has an attribute.
"""

from __future__ import annotations

RULES = {
    # the command line, by the lexer's tokens (gcsh.lexer)
    "pygments.keyword": "ansicyan bold",  # command words
    "pygments.keyword.type": "ansimagenta",  # kinds: list, dict, finalizer...
    "pygments.name.variable": "",  # the user's object names
    "pygments.name.attribute": "ansigreen",  # --options
    "pygments.name.constant": "ansiyellow",  # debug flags, backends, choices
    "pygments.literal.number": "ansiyellow",
    "pygments.literal.string": "ansigreen",
    "pygments.comment": "ansibrightblack italic",
    "pygments.error": "ansired underline",  # what the command would refuse
    # the prompt: gcsh sim 3.11>
    "prompt.name": "bold",
    "prompt.backend": "ansicyan",
    "prompt.arrow": "bold",
    "prompt.arrow.error": "ansired bold",
    # the bottom toolbar
    "bottom-toolbar": "noreverse bg:ansibrightblack fg:ansigray",
    "bottom-toolbar.text": "",
    "toolbar.backend": "fg:ansibrightcyan bold",
    "toolbar.label": "",
    "toolbar.value": "fg:ansiwhite bold",
    "toolbar.on": "fg:ansibrightgreen bold",
    "toolbar.off": "fg:ansibrightyellow bold",
    "toolbar.due": "fg:ansibrightyellow bold",
    "toolbar.sep": "fg:ansigray",
    # completion menu and suggestions
    "completion-menu.meta.completion": "italic",
    "auto-suggestion": "fg:ansibrightblack",
}

# Without colour the toolbar and a suggestion still need to stand apart from typed text.
MONOCHROME = {
    "bottom-toolbar": "reverse",
    "auto-suggestion": "dim",
}


def rules(color: bool) -> dict[str, str]:
    return RULES if color else {**RULES, **MONOCHROME}
