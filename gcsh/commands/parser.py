"""Binding a statement's words to a command's declared arguments: the one binder.

`bind()` says what each word after the command word is (an argument, an option, an
option's value, an unknown option, one too many); the parser, the highlighter and the
completer all read it, so they cannot disagree. `parse_statement()` turns the bound
words into values. A plain statement (no quotes, no word starting with `-`) takes a
fast path over the words' texts with the same result; any error is reported by the
full path, which knows the columns.
"""

from __future__ import annotations

from ..errors import UserError
from ..syntax import Statement
from .registry import _WORD_TO_COMMAND, Command, did_you_mean, find, lookup


class Slot:
    """What one word after the command word is, according to the command's declaration."""

    __slots__ = ("role", "arg", "option")

    def __init__(self, role: str, arg=None, option=None):
        self.role = role  # "arg", "option", "value" (an option's value), "unknown-option", "extra"
        self.arg = arg  # the registry's Arg (role "arg")
        self.option = option  # the registry's Option (roles "option" and "value")

    @property
    def type(self):
        """The ArgType the word must satisfy, if any."""
        if self.role == "arg":
            return self.arg.type
        if self.role == "value":
            return self.option.type
        return None

    def __repr__(self) -> str:
        return f"Slot({self.role!r})"


def bind(command: Command, query_only: bool, words) -> list[Slot]:
    """A slot for each word after the command word. WORDS are (text, quoted) pairs. `--name`
    and declared short options are options (a typed one takes the next word, or
    `--name=value`), quoted words never are, the rest fill the arguments in order and a
    variadic argument takes all that remain."""
    slots: list[Slot] = []
    positional = 0
    pending = None  # an option waiting for its value
    args = command.args
    for text, quoted in words:
        if pending is not None:
            slots.append(Slot("value", option=pending))
            pending = None
            continue
        option = None if quoted else command.option(text.partition("=")[0])
        if option is not None:
            slots.append(Slot("option", option=option))
            if option.type is not None and "=" not in text:
                pending = option
        elif not quoted and text.startswith("--"):
            slots.append(Slot("unknown-option"))
        elif query_only or positional >= len(args) and not (args and args[-1].variadic):
            slots.append(Slot("extra"))
        else:
            slots.append(Slot("arg", arg=args[min(positional, len(args) - 1)]))
            positional += 1
    return slots


class Invocation:
    __slots__ = ("command", "args", "statement", "word")

    def __init__(self, command: Command, args: dict, statement: Statement, word: str):
        self.command = command
        self.args = args  # argument and option keys -> parsed values
        self.statement = statement
        self.word = word  # the word the user typed for the command (an alias, perhaps)


def parse_statement(statement: Statement) -> Invocation:
    if statement.fast:
        bound = plain_invocation(statement.texts)
        if bound is not None:
            return Invocation(bound[0], bound[1], statement, statement.texts[0])
    return _parse(statement)


def plain_invocation(texts: list[str]) -> tuple[Command, dict] | None:
    """(command, arguments) of a plain statement's words (syntax.plain_words), or None to leave it
    (and its errors) to `_parse`."""
    found = _WORD_TO_COMMAND.get(texts[0]) or find(texts[0])
    if found is not None and not found[1]:
        args = _fast(found[0], texts)
        if args is not None:
            return found[0], args
    return None


def _fast(cmd: Command, texts) -> dict | None:
    """The arguments of a plain statement, or None to leave it (and its errors) to `_parse`."""
    given = len(texts) - 1
    if given < cmd.fewest or (cmd.most is not None and given > cmd.most):
        return None
    args = cmd.fast_defaults.copy()
    try:
        i = 1
        for key, fast in cmd.fixed:
            if i > given:
                break
            args[key] = fast(texts[i])
            i += 1
        if cmd.tail is not None:
            key, fast = cmd.tail
            args[key] = [fast(t) for t in texts[i:]] if i <= given else []  # (a comprehension is a call)
    except UserError:
        return None
    return args


def _parse(statement: Statement) -> Invocation:
    head, *rest = statement.words
    cmd, query_only = lookup(head.text, head.column)
    if query_only and rest:
        raise UserError(f"{head.text} takes no arguments (use '{cmd.name}' to change it)", rest[0].column)
    args: dict = dict(cmd.defaults)
    values: dict = {}  # positional argument key -> its words
    extra = None  # the first word too many: reported after the arguments before it
    slots = bind(cmd, query_only, [(w.text, w.quoted) for w in rest])
    for index, (word, slot) in enumerate(zip(rest, slots)):
        role = slot.role
        if role == "arg":
            values.setdefault(slot.arg.key, []).append(word)
        elif role == "option":
            opt = slot.option
            name, eq, inline = word.text.partition("=")
            if opt.type is None:
                if eq:
                    raise UserError(f"{cmd.name}: option {opt.name} takes no value", word.column)
                args[opt.key] = True
            elif eq:
                args[opt.key] = opt.type.parse(type(word)(inline, word.column + len(name) + 1))
            elif index + 1 == len(rest):
                raise UserError(f"{cmd.name}: option {opt.name} needs {opt.metavar}", word.column)
        elif role == "value":
            args[slot.option.key] = slot.option.type.parse(word)
        elif role == "unknown-option":
            name = word.text.partition("=")[0]
            hint = did_you_mean(name, [o.name for o in cmd.options])
            raise UserError(f"{cmd.name}: unknown option {name}{hint}", word.column)
        elif extra is None:
            extra = word
    for spec in cmd.args:
        words = values.get(spec.key, [])
        if not words and not spec.optional:
            raise UserError(f"{cmd.name}: missing {spec.name} (usage: {cmd.usage})", _end_column(statement))
        if spec.variadic:
            args[spec.key] = [spec.type.parse(w) for w in words]
        else:
            args[spec.key] = spec.type.parse(words[0]) if words else spec.default
    if extra is not None:
        raise UserError(f"{cmd.name}: too many arguments: {extra.text!r} "
                        f"(takes at most {len(cmd.args)}; usage: {cmd.usage})", extra.column)
    return Invocation(cmd, args, statement, head.text)


def _end_column(statement: Statement) -> int:
    last = statement.words[-1]
    return last.column + len(last.text)
