"""The docs as a whole: generated pages up to date, every block highlighted, the site builds cleanly."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from gcsh.tools import docexamples, docgen
from gcsh.tools.doctest_sessions import DOCS, ROOT, pages

UPDATE = "run: python -m gcsh.tools.doctest_sessions --update"


def test_generated_reference_pages_are_up_to_date():
    for path, text in docgen.expected_pages(ROOT).items():
        assert path.exists() and path.read_text(encoding="utf-8") == text, f"{path} is out of date; {UPDATE}"


def test_the_reference_covers_every_command_and_alias():
    from gcsh.commands.registry import all_commands
    text = (ROOT / docgen.REFERENCE_PAGE).read_text(encoding="utf-8")
    for c in all_commands():
        assert f"### `{c.name}`" in text
        for alias in (*c.aliases, *c.query_aliases):
            assert f"`{alias}`" in text


def test_the_command_line_page_lists_every_option():
    from gcsh.cli import OPTIONS
    text = (ROOT / docgen.COMMAND_LINE_PAGE).read_text(encoding="utf-8")
    for opt in OPTIONS:
        for flag in opt.flags:
            assert f"`{flag}" in text, flag


def test_examples_page_lists_every_example_as_it_is():
    assert (ROOT / docexamples.PAGE).read_text(encoding="utf-8") == docexamples.page_text(ROOT), UPDATE


def test_every_example_has_a_title_and_fixes_its_model_or_backend():
    for path in sorted((ROOT / "examples").glob("*.gcsh")):
        source = path.read_text(encoding="utf-8")
        title, _ = docexamples.describe(source)
        assert len(title) > 8 and not title.endswith("."), path
        assert re.search(r"^(model 3\.1\d|backend live)\b", source, re.M), f"{path}: set a model"


FENCE = re.compile(r"^\s*```(gcsh|gcshcon)\n(.*?)^\s*```", re.S | re.M)


def _commands_meant_to_work(lang: str, body: str) -> list[str]:
    """The commands of a block, leaving out those a session shows failing on purpose."""
    if lang == "gcsh":
        return body.splitlines()
    commands, failed = [], set()
    for line in body.splitlines():
        if line.startswith("gcsh> "):
            commands.append(line[len("gcsh> "):])
        elif ": error: " in line and commands:
            failed.add(len(commands) - 1)
    return [c for i, c in enumerate(commands) if i not in failed]


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_every_gcsh_block_is_highlighted_without_errors(page):
    """gcsh's own lexer marks unknown commands and bad arguments as errors; the docs have none, except
    in the commands a session shows failing."""
    from pygments.lexers import get_lexer_by_name
    from pygments.token import Error
    lexer = get_lexer_by_name("gcsh")
    for lang, body in FENCE.findall(page.read_text(encoding="utf-8")):
        get_lexer_by_name(lang)  # both lexers are registered
        for command in _commands_meant_to_work(lang, body):
            bad = [value for token, value in lexer.get_tokens(command) if token in Error]
            assert not bad, f"{page.name}: {command!r} has {bad} marked as errors"


def test_readme_links_to_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / target).exists(), target
    assert "docs/tour.md" in readme


def test_site_builds_without_warnings(tmp_path):
    pytest.importorskip("mkdocs")
    p = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site"),
                        "--config-file", str(ROOT / "mkdocs.yml")], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    html = (tmp_path / "site" / "tour" / "index.html").read_text(encoding="utf-8")
    assert 'class="codehilite"' in html and 'class="gp"' in html  # sessions highlighted by gcshcon
