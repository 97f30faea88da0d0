"""Saving the simulator's session to a file and loading it back."""

from __future__ import annotations

from ..backends.sim import persist
from .registry import PATH, Arg, command
from .result import Result


@command("save", topic="shell", summary="save the simulated heap and collector state to a file",
         args=(Arg("FILE", PATH, "the file to write (JSON)"),), backends=("sim",),
         examples=("save session.json", "save \"my sessions/cycle.json\""),
         details="Everything the simulator holds is saved: the model, every object with its name, kind, "
                 f"refcount and references, the generation lists in order, gc.garbage, weak references, "
                 f"thresholds, counts, flags and statistics. The file is JSON (format version "
                 f"{persist.VERSION}) and is written all at once: an existing file is replaced only when the "
                 "new one is complete.")
def save(ctx, file):
    info = persist.save(ctx.backend, file)
    return Result(info, [f"saved {info['objects']} objects (CPython {info['model']} model) to {file}"])


@command("load", topic="shell", summary="replace the simulated heap with one saved by `save`",
         args=(Arg("FILE", PATH, "a file written by save"),), backends=("sim",),
         examples=("load session.json",),
         details="The saved model comes back with the heap. The file is checked completely before anything "
                 "changes: a damaged, truncated or foreign file, or one written by a newer gcsh, is refused "
                 "with one line and the current heap stays as it is.")
def load(ctx, file):
    info = persist.load(ctx.backend, file)
    return Result(info, [f"loaded {info['objects']} objects (CPython {info['model']} model) from {file}"])
