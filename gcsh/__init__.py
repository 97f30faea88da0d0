"""gcsh: an interactive shell for seeing CPython's garbage collector work."""

__version__ = "0.1.0"


def embed(namespace: dict | None = None, **options) -> int:
    """Open gcsh inside this program, on its live heap, with the caller's local variables as
    the shell's names; gc is left as it was found. Options: commands="..." runs those instead
    of the interactive shell; stdin, stdout, stderr; json=True. Returns gcsh's exit status."""
    if namespace is None:
        import sys
        frame = sys._getframe(1)
        scope = frame.f_locals  # in a function (before 3.13) a dict CPython keeps on the frame: gcsh's doing
        namespace = dict(scope)
        if scope is not frame.f_globals and type(scope) is dict:
            options.setdefault("made_by_gcsh", [scope])
        del frame, scope
    from .embedding import embed as run
    return run(namespace, **options)


def load_ipython_extension(ipython) -> None:
    """`%load_ext gcsh` in IPython or Jupyter: the `%gcsh` and `%%gcsh` magics (gcsh.notebook)."""
    from .notebook import load_ipython_extension as load
    load(ipython)


def unload_ipython_extension(ipython) -> None:
    from .notebook import unload_ipython_extension as unload
    unload(ipython)
