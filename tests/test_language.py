"""The command language: splitting, the registry and binding words to arguments."""

import pytest

from gcsh.commands.parser import parse_statement
from gcsh.commands.registry import Atom, all_commands, command_words, lookup
from gcsh.errors import UserError
from gcsh.syntax import SyntaxProblem, split_line, split_text


def parse(text):
    (statement,) = split_line(text)
    return parse_statement(statement)


def test_statements_split_on_semicolons_and_comments():
    statements = split_line("alloc a; link a b  # a comment; not a command")
    assert [s.text for s in statements] == ["alloc a", "link a b"]
    assert [w.column for w in statements[1].words] == [10, 15, 17]


def test_quoted_words_keep_spaces_and_escapes():
    (s,) = split_line(r'alloc t tuple "a b" "q\"x" ''\'semi;colon\'')
    assert [w.text for w in s.words[3:]] == ["a b", 'q"x', "semi;colon"]
    assert all(w.quoted for w in s.words[3:])


@pytest.mark.parametrize("text, message, column", [
    ('alloc a "open', "unclosed quote", 9),
    ("alloc\0 a", "NUL byte in input", 6),
])
def test_syntax_problems_give_a_column(text, message, column):
    with pytest.raises(SyntaxProblem) as e:
        split_line(text)
    assert (e.value.message, e.value.column) == (message, column)


def test_megabyte_line_is_refused_quickly():
    with pytest.raises(SyntaxProblem, match="line too long"):
        split_line("alloc " + "a" * 1_000_000)


def test_split_text_numbers_lines():
    statements = split_text("alloc a\n\n# note\nlink a a; del a\n")
    assert [(s.line, s.text) for s in statements] == [(1, "alloc a"), (4, "link a a"), (4, "del a")]


def test_every_gc_function_has_a_command():
    import gc
    words = command_words()
    functions = [n for n in dir(gc) if not n.startswith("_") and callable(getattr(gc, n))]
    missing = [n for n in functions if n not in words]
    assert not missing, missing
    for attribute in ("callbacks", "garbage"):
        assert attribute in words


def test_aliases_and_gc_prefix_resolve():
    assert lookup("get_count")[0].name == "count"
    assert lookup("gc.collect")[0].name == "collect"
    assert lookup("get_debug") == (lookup("flags")[0], True)


def test_unknown_command_suggests():
    with pytest.raises(UserError, match=r"unknown command 'colect' \(did you mean 'collect'\?\)"):
        lookup("colect")


def test_arguments_are_typed():
    inv = parse('alloc t tuple a 1 "s"')
    assert inv.args == {"name": "t", "kind": "tuple", "item": ["a", Atom(1), Atom("s")], "resurrect": False}
    assert parse("collect").args["gen"] == 2
    assert parse("collect 0 --trace").args == {"gen": 0, "trace": True, "frames": None, "html": None, "all": False}
    assert parse("flags +DEBUG_STATS -gc.DEBUG_SAVEALL DEBUG_COLLECTABLE|DEBUG_UNCOLLECTABLE").args["flag"] == [
        ("+", 1), ("-", 32), ("=", 6)]


@pytest.mark.parametrize("text, message, column", [
    ("collect 3", "invalid generation", 9),
    ("collect -1", "invalid generation", 9),
    ("collect x", "invalid generation", 9),
    ("collect 0 1", "too many arguments", 11),
    ("link a", "missing DST", 7),
    ("alloc 9a", "not a valid name", 7),
    ("alloc a lst", "unknown kind 'lst' (did you mean 'list'?)", 9),
    ("flags +DEBUG_NOPE", "unknown debug flag", 7),
    ("collect --nope", "unknown option --nope", 9),
    ("get_count 1", "takes no arguments", 11),
    ("threshold x", "expected an integer", 11),
])
def test_argument_errors_name_the_word(text, message, column):
    with pytest.raises(UserError) as e:
        parse(text)
    assert message in e.value.message and e.value.column == column


def test_every_command_is_documented_and_its_examples_parse():
    for cmd in all_commands():
        assert cmd.summary and cmd.examples, cmd.name
        for example in cmd.examples:
            first, *rest = [parse_statement(statement) for statement in split_line(example)]
            assert first.command is cmd, example


def test_the_static_table_matches_the_declarations():
    """commands.all says which module declares which words; a word missing there, or a module
    that declares more or fewer words than it lists, fails here."""
    from gcsh.commands.all import MODULES, RAW_KINDS
    from gcsh.syntax import RAW_REST
    declared: dict[str, set] = {}
    for c in all_commands():
        declared.setdefault(c.module.rpartition(".")[2], set()).update(c.words)
    assert {m: set(words.split()) for m, words in MODULES.items()} == declared
    raw = {c.name for c in all_commands() if any(a.type.kind in RAW_KINDS for a in c.args)}
    assert RAW_REST == raw | {"gc." + w for w in raw}


def test_a_command_loads_only_its_own_module():
    import subprocess
    import sys
    code = ("import io, sys; from gcsh.runner import Session; s = Session(io.StringIO(), io.StringIO()); "
            "s.run_text('alloc a; get_count'); "
            "print(sorted(m for m in sys.modules if m.startswith('gcsh.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert eval(out) == ["gcsh.commands.all", "gcsh.commands.argtypes", "gcsh.commands.collector",
                         "gcsh.commands.heap", "gcsh.commands.parser", "gcsh.commands.registry",
                         "gcsh.commands.result"]


def test_fast_and_full_paths_bind_alike():
    """A plain statement takes the fast path; the same words quoted where that changes nothing
    take the full path: the arguments are the same."""
    from gcsh.commands.parser import _parse, parse_statement
    for text in ("alloc a", "alloc t tuple a 1 2", "link a b key", "collect 1", "threshold 1 2 3", "del a b c",
                 "chain c 10", "objects", "referrers a b", "graph a b", "help collect", "flags DEBUG_LEAK",
                 "model 3.12", "backend live", "weakref w a", "tree t 3"):
        (statement,) = split_line(text)
        fast = parse_statement(statement)
        (again,) = split_line(text + " ;")
        again._words = again.words  # built: the full path
        full = _parse(again)
        assert (fast.command, fast.args) == (full.command, full.args), text
