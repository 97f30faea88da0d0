"""gcsh in IPython and Jupyter: `%load_ext gcsh`, then `%gcsh COMMANDS` and `%%gcsh` cells (see magics)."""

from __future__ import annotations


def load_ipython_extension(ipython) -> None:
    from .magics import GcshMagics

    if getattr(ipython, "_gcsh_magics", None) is None:  # loading twice keeps the one session
        ipython._gcsh_magics = GcshMagics(ipython)
        ipython.register_magics(ipython._gcsh_magics)


def unload_ipython_extension(ipython) -> None:
    magics = getattr(ipython, "_gcsh_magics", None)
    if magics is not None:
        magics.close()
        ipython.magics_manager.magics["line"].pop("gcsh", None)
        ipython.magics_manager.magics["cell"].pop("gcsh", None)
        ipython._gcsh_magics = None
