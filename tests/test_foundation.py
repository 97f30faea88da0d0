"""The promise of the foundation: a cycle found and freed, with the documented JSON."""

import subprocess
import sys

CYCLE = "alloc a; alloc b; link a b; link b a; del a b; collect 0"


def test_cycle_text(gcsh):
    r = gcsh("-c", CYCLE)
    assert r.status == 0, r.err
    assert "collect(0): 2 unreachable (2 collected, 0 uncollectable)" in r.out
    assert "freed: a, b" in r.out


def test_cycle_json_last_line(gcsh):
    r = gcsh("--json", "-c", CYCLE)
    last = r.last
    assert last["command"] == "collect" and last["ok"] is True and last["backend"] == "sim"
    assert last["result"]["unreachable"] == 2
    assert last["result"]["freed"] == ["a", "b"]


def test_console_script_and_module_run():
    for argv in (["gcsh"], [sys.executable, "-m", "gcsh"]):
        p = subprocess.run(argv + ["--json", "-c", CYCLE], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        assert '"unreachable": 2' in p.stdout.splitlines()[-1]


def test_readme_command_table_matches_registry():
    from pathlib import Path
    from gcsh.tools.docgen import BEGIN, END, command_table
    text = (Path(__file__).parent.parent / "README.md").read_text()
    table = text.split(BEGIN)[1].split(END)[0].strip()
    assert table == command_table(), "run: python -m gcsh.tools.docgen README.md"


# Modules that `gcsh -c count` must not import (beyond what a bare interpreter has loaded):
# they cost milliseconds each and are needed only by some commands, the shell or --json.
HEAVY = {"numpy", "scipy", "numba", "graphviz", "prompt_toolkit", "pygments", "platformdirs", "tomllib", "tomli",
         "json", "random", "difflib", "tempfile", "locale", "argparse", "gettext", "shutil", "pathlib",
         "textwrap", "subprocess", "dataclasses", "inspect", "ast", "dis", "tokenize", "typing_extensions"}


def _modules_after(code: str) -> set[str]:
    p = subprocess.run([sys.executable, "-c", code + "; import sys; print(' '.join(sys.modules))"],
                       capture_output=True, text=True, timeout=60, check=True)
    return set(p.stdout.split())


def test_start_up_imports_nothing_heavy():
    bare = _modules_after("pass")
    run = _modules_after("import io; from gcsh.cli import main; main(['-c', 'count'], stdout=io.StringIO())")
    # the simulator's own modules (gcsh.backends.sim) are checked only for what they must never load
    simulator = _modules_after("import gcsh.backends.sim.backend")
    heavy_for_all = {"numpy", "scipy", "numba", "graphviz", "prompt_toolkit", "pygments"}
    assert not (run - bare) & heavy_for_all
    assert not (run - bare - simulator) & HEAVY, sorted((run - bare - simulator) & HEAVY)
    commands = {m for m in run if m.startswith("gcsh.commands.") and m.count(".") == 2}
    assert commands == {"gcsh.commands.all", "gcsh.commands.argtypes", "gcsh.commands.parser",
                        "gcsh.commands.registry", "gcsh.commands.result", "gcsh.commands.collector"}, commands


def _imports(path, root):
    """The absolute names of the modules PATH (a file of the gcsh package at ROOT) imports."""
    import ast
    package = ["gcsh", *path.relative_to(root).parent.parts]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            yield ".".join(base + ([node.module] if node.module else []))
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_no_layer_imports_from_the_one_above():
    """Backends know nothing of commands, rendering, the runner or the shell; the modules below
    them know nothing of the backends; the runtime never imports the tooling."""
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "gcsh"
    above = tuple(f"gcsh.{m}" for m in ("commands", "render", "runner", "shell", "cli", "lexer", "tools",
                                         "embedding"))
    for path in (root / "backends").rglob("*.py"):
        bad = [n for n in _imports(path, root) if n.startswith(above)]
        assert not bad, (path, bad)
    for module in ("syntax.py", "values.py", "errors.py", "color.py", "fileio.py", "interrupts.py"):
        bad = [n for n in _imports(root / module, root) if n.startswith("gcsh.") and n not in
               ("gcsh.errors", "gcsh.values", "gcsh.syntax")]
        assert not bad, (module, bad)
    for path in root.rglob("*.py"):
        if "tools" not in path.relative_to(root).parts:
            assert not [n for n in _imports(path, root) if n.startswith("gcsh.tools")], path
    assert "gcsh.values" in set(_imports(root / "backends" / "sim" / "kernel" / "store.py", root))  # the check sees imports
