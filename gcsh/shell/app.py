"""The interactive shell (prompt_toolkit)."""

from __future__ import annotations


def run_shell(session, color: str = "auto", env=None) -> None:
    from prompt_toolkit import PromptSession

    prompt = PromptSession()
    while not session.quit_requested:
        try:
            line = prompt.prompt(f"gcsh {session.backend.describe()}> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        session.keep_going = True
        session.run_line(line, "<stdin>")
