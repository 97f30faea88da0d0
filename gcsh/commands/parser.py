"""Binding a statement's words to a command's declared arguments."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UserError
from ..syntax import Statement
from .registry import Command, did_you_mean, lookup


@dataclass(frozen=True)
class Invocation:
    command: Command
    args: dict  # argument and option keys -> parsed values
    statement: Statement
    word: str  # the word the user typed for the command (an alias, perhaps)


def parse_statement(statement: Statement) -> Invocation:
    head, *rest = statement.words
    cmd, query_only = lookup(head.text, head.column)
    if query_only and rest:
        raise UserError(f"{head.text} takes no arguments (use '{cmd.name}' to change it)", rest[0].column)
    args: dict = {opt.key: (False if opt.type is None else opt.default) for opt in cmd.options}
    positional = []
    i = 0
    while i < len(rest):
        word = rest[i]
        name, eq, inline = word.text.partition("=")
        opt = None if word.quoted else cmd.option(name)
        if opt is None and not word.quoted and word.text.startswith("--"):
            known = [o.name for o in cmd.options]
            hint = did_you_mean(name, known)
            raise UserError(f"{cmd.name}: unknown option {name}{hint}", word.column)
        if opt is None:
            positional.append(word)
        elif opt.type is None:
            if eq:
                raise UserError(f"{cmd.name}: option {opt.name} takes no value", word.column)
            args[opt.key] = True
        else:
            if eq:
                value_word = type(word)(inline, word.column + len(name) + 1)
            elif i + 1 < len(rest):
                i += 1
                value_word = rest[i]
            else:
                raise UserError(f"{cmd.name}: option {opt.name} needs {opt.metavar}", word.column)
            args[opt.key] = opt.type.parse(value_word)
        i += 1
    _bind_positional(cmd, positional, args, statement)
    return Invocation(cmd, args, statement, head.text)


def _bind_positional(cmd: Command, words: list, args: dict, statement: Statement) -> None:
    specs = list(cmd.args)
    for spec in specs:
        if spec.variadic:
            if not words and not spec.optional:
                raise UserError(f"{cmd.name}: missing {spec.name} (usage: {cmd.usage})", _end_column(statement))
            args[spec.key] = [spec.type.parse(w) for w in words]
            words = []
        elif words:
            args[spec.key] = spec.type.parse(words.pop(0))
        elif spec.optional:
            args[spec.key] = spec.default
        else:
            raise UserError(f"{cmd.name}: missing {spec.name} (usage: {cmd.usage})", _end_column(statement))
    if words:
        most = len(specs)
        raise UserError(f"{cmd.name}: too many arguments: {words[0].text!r} "
                        f"(takes at most {most}; usage: {cmd.usage})", words[0].column)


def _end_column(statement: Statement) -> int:
    last = statement.words[-1]
    return last.column + len(last.text)
