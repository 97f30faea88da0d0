"""The interactive shell's settings: `~/.config/gcsh/config.toml` (platformdirs' config
directory; `GCSH_CONFIG` names another file, and an empty `GCSH_CONFIG` reads none).

    # ~/.config/gcsh/config.toml
    model = "3.12"          # the CPython version the simulator models
    backend = "sim"         # sim or live
    color = "auto"          # auto, always or never
    editing_mode = "vi"     # emacs (the default) or vi
    history_size = 5000     # lines kept in the history file (0: keep none)
    pager = "less -RXF"     # what shows output longer than the screen ("" for none)

The file is read only when gcsh starts the interactive shell with nothing to run first:
a script (`gcsh FILE`, `-c`, a pipe) means the same on every machine. The command line
wins over the file. A mistake in it is one warning line, and the defaults are used.
"""

from __future__ import annotations

import os
import sys
from typing import Mapping

from ..values import BACKENDS

DEFAULTS = {"model": None, "backend": None, "color": None, "editing_mode": "emacs", "history_size": 5000,
            "pager": None}
CHOICES = {"backend": tuple(BACKENDS), "color": ("auto", "always", "never"), "editing_mode": ("emacs", "vi")}
EXAMPLE = __doc__.split("\n\n")[1]


def config_path(env: Mapping[str, str]) -> str | None:
    """The settings file to read; None for none."""
    if "GCSH_CONFIG" in env:
        return os.path.expanduser(env["GCSH_CONFIG"]) or None
    from platformdirs import user_config_path
    return str(user_config_path("gcsh") / "config.toml")


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
        return tomllib
    import tomli  # the same parser, for Python 3.10
    return tomli


def load_config(env: Mapping[str, str]) -> tuple[dict, list[str]]:
    """The settings (every key of DEFAULTS), and a warning for each thing that was wrong."""
    settings, warnings = dict(DEFAULTS), []
    path = config_path(env)
    if path is None or not os.path.exists(path):
        return settings, warnings
    from ..errors import UserError
    from ..fileio import read_bytes
    try:
        data = _toml().loads(read_bytes(path, limit=1 << 20, what="a settings file").decode("utf-8"))
    except UserError as e:
        return settings, [e.message]
    except (ValueError, UnicodeDecodeError) as e:  # TOMLDecodeError is a ValueError
        return settings, [f"{path}: not read ({e}); using the defaults"]
    for key, value in data.items():
        problem = _check(key, value)
        if problem:
            warnings.append(f"{path}: {problem}")
        else:
            settings[key] = value
    return settings, warnings


def _check(key: str, value) -> str | None:
    if key not in DEFAULTS:
        return f"unknown setting {key!r} (known: {', '.join(DEFAULTS)})"
    if key == "history_size":
        if type(value) is not int or value < 0:
            return f"history_size must be a whole number, 0 or more (not {value!r})"
        return None
    if not isinstance(value, str):
        return f"{key} must be a string (not {value!r})"
    if key in CHOICES and value not in CHOICES[key]:
        return f"{key} must be one of {', '.join(CHOICES[key])} (not {value!r})"
    if key == "model":
        from ..commands.argtypes import model_choices
        if value not in model_choices():
            return f"model must be one of {', '.join(model_choices())} (not {value!r})"
    return None
