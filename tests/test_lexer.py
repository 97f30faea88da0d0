"""The pygments lexers: what each word is taken for, transcripts, and the plugin registration."""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Generic, Keyword, Name, Number, Punctuation, String

from gcsh.commands.registry import all_commands
from gcsh.lexer import GcshLexer, GcshSessionLexer, scan, statements
from gcsh.syntax import SyntaxProblem, split_line


def tokens(text, **options):
    """(token, text) of every non-blank piece."""
    return [(tok, value) for _, tok, value in GcshLexer(**options).get_tokens_unprocessed(text) if value.strip()]


def test_words_are_coloured_by_the_type_their_command_declares():
    assert tokens('alloc d dict x 1 "s"') == [
        (Keyword, "alloc"), (Name.Variable, "d"), (Keyword.Type, "dict"), (Name.Variable, "x"),
        (Number.Integer, "1"), (String.Double, '"s"')]
    assert tokens("collect 0 --trace") == [(Keyword, "collect"), (Number.Integer, "0"), (Name.Attribute, "--trace")]
    assert tokens("flags +DEBUG_LEAK -debug_stats") == [
        (Keyword, "flags"), (Name.Constant, "+DEBUG_LEAK"), (Name.Constant, "-debug_stats")]
    assert tokens("source demo.gcsh")[1] == (String.Other, "demo.gcsh")
    assert tokens("help collect")[1] == (Keyword, "collect")


def test_aliases_and_the_gc_prefix_are_commands():
    assert tokens("get_count") == [(Keyword, "get_count")]
    assert tokens("gc.collect 1") == [(Keyword, "gc.collect"), (Number.Integer, "1")]
    assert tokens("set_debug DEBUG_LEAK") == [(Keyword, "set_debug"), (Name.Constant, "DEBUG_LEAK")]


@pytest.mark.parametrize("text, bad", [
    ("bogus 1", "bogus"),  # unknown command
    ("collect 5", "5"),  # not a generation
    ("alloc a nosuchkind", "nosuchkind"),  # not a kind
    ("count 3", "3"),  # count takes no argument
    ("get_count 3", "3"),  # nor does a query alias
    ("alloc a --bogus", "--bogus"),  # unknown option
    ("link a b k extra", "extra"),  # one word too many
    ("collect --trace=1", "--trace=1"),  # a switch takes no value
    ("flags DEBUG_NOPE", "DEBUG_NOPE"),
    ('alloc "unclosed', '"unclosed'),
])
def test_what_the_command_would_refuse_is_an_error(text, bad):
    assert (Error, bad) in tokens(text)
    assert [value for tok, value in tokens(text) if tok is Error] == [bad]


def test_python_after_py_is_lexed_as_python():
    from pygments.token import Keyword as K, Name as N
    assert tokens("alloc a; py import numpy as np") == [
        (Keyword, "alloc"), (Name.Variable, "a"), (Punctuation, ";"), (Keyword, "py"),
        (K.Namespace, "import"), (N.Namespace, "numpy"), (K, "as"), (N.Namespace, "np")]
    assert (Comment.Single, "# not ours") in tokens("py x = []; x.append(x)  # not ours")


def test_statements_comments_and_newlines():
    assert tokens("alloc a; del a  # gone\ncollect") == [
        (Keyword, "alloc"), (Name.Variable, "a"), (Punctuation, ";"), (Keyword, "del"), (Name.Variable, "a"),
        (Comment.Single, "# gone"), (Keyword, "collect")]


def test_the_lexer_covers_every_character():
    text = 'alloc t tuple a 1 "s;#\\"x" ; link a a # c\n\n  bogus\r\ncollect 0 --trace=x\n"open'
    pieces = list(GcshLexer().get_tokens_unprocessed(text))
    assert "".join(value for _, _, value in pieces) == text
    assert all(text[start:start + len(value)] == value for start, _, value in pieces)


def test_every_example_in_the_registry_lexes_without_errors():
    for command in all_commands():
        for example in command.examples:
            assert Error not in [tok for tok, _ in tokens(example)], example


EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.gcsh"))


@pytest.mark.skipif(not EXAMPLES, reason="no example files")
def test_the_example_files_lex_without_errors():
    for path in EXAMPLES:
        bad = [value for _, tok, value in GcshLexer().get_tokens_unprocessed(path.read_text(encoding="utf-8"))
               if tok is Error]
        assert not bad, f"{path.name}: {bad}"


def test_partial_mode_does_not_flag_the_word_being_typed():
    assert tokens("al", partial=True) == [(Name, "al")]
    assert tokens("al") == [(Error, "al")]
    assert tokens("collect 5", partial=True)[-1] == (Name, "5")
    assert tokens('alloc a list "op', partial=True)[-1][0] is not Error
    # only the end of the text is lenient
    assert tokens("al; count", partial=True)[0] == (Error, "al")


def test_scan_reads_quotes_and_comments():
    pieces = scan('link a#b "c d";"e\\"f" #x; y')
    assert [(p.kind, p.source) for p in pieces if p.kind != "space"] == [
        ("word", "link"), ("word", "a#b"), ("string", '"c d"'), ("semi", ";"), ("string", '"e\\"f"'),
        ("comment", "#x; y")]
    assert [[w.value for w in s] for s in statements(scan("a b; c;"))] == [["a", "b"], ["c"], []]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="apy #;'\"\\ \t", max_size=30))
def test_scan_finds_the_words_the_parser_finds(line):
    try:
        parsed = [[(w.column, w.quoted, w.text if not w.quoted else None) for w in s.words]
                  for s in split_line(line)]
    except SyntaxProblem:
        assume(False)
    scanned = [[(p.start + 1, p.kind != "word", p.source if p.kind == "word" else None) for p in s]
               for s in statements(scan(line))]
    assert [s for s in scanned if s] == parsed


def test_session_lexer_reads_prompts_output_and_errors():
    text = "gcsh> alloc a\na: list, refcount 1, generation 0\ngcsh sim 3.11> bogus\n<stdin>:1: error: unknown\n"
    out = [(tok, value) for _, tok, value in GcshSessionLexer().get_tokens_unprocessed(text) if value.strip()]
    assert out == [(Generic.Prompt, "gcsh> "), (Keyword, "alloc"), (Name.Variable, "a"),
                   (Generic.Output, "a: list, refcount 1, generation 0\n"),
                   (Generic.Prompt, "gcsh sim 3.11> "), (Error, "bogus"),
                   (Generic.Error, "<stdin>:1: error: unknown\n")]


def test_lexers_are_registered_as_pygments_plugins():
    assert type(get_lexer_by_name("gcsh")) is GcshLexer
    assert type(get_lexer_by_name("gcshcon")) is GcshSessionLexer
    assert type(get_lexer_for_filename("demo.gcsh")) is GcshLexer


def test_pygmentize_uses_the_plugin(tmp_path):
    script = tmp_path / "demo.gcsh"
    script.write_text("alloc a\nbogus\n")
    pygmentize = [sys.executable, "-m", "pygments"]
    html = subprocess.run(pygmentize + ["-l", "gcsh", "-f", "html", str(script)], capture_output=True, text=True,
                          timeout=60, check=True).stdout
    assert '<span class="k">alloc</span>' in html and '<span class="err">bogus</span>' in html
    guessed = subprocess.run(pygmentize + ["-N", str(script)], capture_output=True, text=True, timeout=60).stdout
    assert guessed.strip() == "gcsh"


def test_the_lexer_imports_nothing_of_the_repl():
    code = ("import sys, gcsh.lexer as l; list(l.GcshLexer().get_tokens('alloc a; collect'));"
            "print(sorted(m for m in sys.modules if m.startswith(('prompt_toolkit', 'gcsh.shell'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
