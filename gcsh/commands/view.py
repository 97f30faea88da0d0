"""Pictures in the browser: `view` (a live page beside the shell) and `collect --html FILE`
(a page that steps through one collection)."""

from __future__ import annotations

import os

from ..errors import UserError
from .registry import INT, Arg, Option, choice, command
from .result import Result


def collect_with_page(ctx, gen: int, path: str, trace: bool, frames: str | None = None) -> Result:
    """collect GEN, writing the step-through page to PATH (and, with FRAMES, the pictures too)."""
    from ..fileio import check_target
    from ..render.frames import phase_views
    from ..render.trace import trace_lines
    from ..web.stepthrough import write_page
    from .collector import collect_lines, freed_data
    from .graph import heap_view

    if ctx.backend.name != "sim":
        raise UserError("collect --html needs the sim backend (the live collector cannot be watched phase "
                        "by phase)")
    path = os.path.expanduser(path)
    check_target(path)  # before collecting: a mistyped path leaves the heap as it was
    if frames is not None:
        from pathlib import Path

        from ..render.files import check_directory
        frames = os.path.expanduser(frames)
        check_directory(Path(frames), create=True)
    before = heap_view(ctx)
    info = ctx.backend.collect(gen, True)
    views = phase_views(before, info["trace"], heap_view(ctx))
    page = write_page(views, path, f"collect({gen}) on {before.backend}: the phases of a collection")
    lines = trace_lines(info["trace"]) if trace else []
    info = freed_data(ctx, dict(info, html=page["file"]), False)
    extra = [f"page: {path} ({len(views)} phases; open it in a browser, step with ← →)"]
    if frames is not None:
        from ..render.frames import write_frames
        files, problem = write_frames(views, frames)
        info["frames"] = files
        extra.append(f"frames: {len(files)} {'.dot sources' if problem else 'pictures'} in {frames}"
                     + (f", not pictures: {problem}" if problem else ""))
    if trace:
        info["trace"] = info["trace"].as_dicts()
    else:
        del info["trace"]
    return Result(info, lines + collect_lines(info) + extra)


@command("view", topic="graph", summary="serve a page on 127.0.0.1 that redraws the heap after every command",
         args=(Arg("ACTION", choice({"stop": "close the page"}, "action"), "stop: close the page", optional=True),),
         options=(Option("--port", "serve on port N (0: any free port; default 8035, or a free one if it is taken)",
                         type=INT, metavar="N"),),
         examples=("view", "view --port 0", "view stop"),
         details="The page shows the toolbar's state (backend, model, counts against thresholds, debug flags) "
                 "and the heap's picture, and redraws after every command; GET /heap.svg is the picture alone. "
                 "After a collect in the sim backend it links to a page that steps through that collection. "
                 "Only this machine can reach it (127.0.0.1); it closes with view stop, quit, or when gcsh "
                 "ends. A second view says where the page is.")
def view(ctx, action, port):
    from ..web.live import open_page, viewer_of

    if action == "stop":
        running = viewer_of(ctx.session)
        if running is None:
            return Result({"running": False, "stopped": False}, ["view: no page is open"])
        running.stop()
        return Result({"running": False, "stopped": True, "url": running.url}, [f"view: closed {running.url}"])
    if port is not None and not 0 <= port <= 65535:
        raise UserError(f"--port must be between 0 and 65535, got {port}")
    viewer, already = open_page(ctx.session, port)
    if already and port not in (None, 0, viewer.port):
        raise UserError(f"the page is already open at {viewer.url} (view stop, then view --port {port})")
    data = {"running": True, "url": viewer.url, "host": "127.0.0.1", "port": viewer.port, "already": already}
    if already:
        return Result(data, [f"view: the page is already open at {viewer.url}"])
    taken = f"; port {viewer.instead_of} was taken" if viewer.instead_of else ""
    return Result(data, [f"view: {viewer.url} (redraws after every command; view stop closes it{taken})"])
