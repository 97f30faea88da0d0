"""Taking commands back: `undo [N]` and `redo [N]` over the simulator's journal."""

from __future__ import annotations

from ..backends.sim.kernel.journal import LIMIT
from .registry import INT, Arg, command
from .result import Result

_LIMIT_WORDS = f"{LIMIT // (1024 * 1024)} MiB"  # the journal's bound


def _done(verb: str, info: dict) -> Result:
    labels = info[verb]
    what = ", ".join(labels) if len(labels) <= 5 else ", ".join(labels[:5]) + f", … ({len(labels)} in all)"
    lines = [f"{verb}: {what}",
             f"({info['can_undo']:,} more to undo, {info['can_redo']:,} to redo)"]
    return Result(info, lines)


@command("undo", topic="heap", summary="take back the last command (or the last N) that changed the heap",
         args=(Arg("N", INT, "how many commands (default 1)", optional=True, default=1),), backends=("sim",),
         examples=("undo", "undo 3"),
         details="Every command that changes the simulated heap is recorded in a journal: what it changed, "
                 "never a copy of the heap, so undoing is as quick as the command was (an automatic "
                 "collection it started is taken back with it). Commands that only look (count, heap, why…) "
                 f"are not recorded. The journal keeps at most {_LIMIT_WORDS}: past that the oldest commands "
                 "are dropped, and undo says how far back it can go. reset, model and load start a new "
                 "journal.")
def undo(ctx, n):
    return _done("undone", ctx.backend.undo(n))


@command("redo", topic="heap", summary="do again what undo took back",
         args=(Arg("N", INT, "how many commands (default 1)", optional=True, default=1),), backends=("sim",),
         examples=("redo", "redo 2"),
         details="Redo works until a command changes the heap again.")
def redo(ctx, n):
    return _done("redone", ctx.backend.redo(n))
