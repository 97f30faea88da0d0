"""Importing this module declares every command: each module of this package that
declares commands is imported (help groups them by topic, so order does not matter)."""

import importlib
import pkgutil

_NOT_COMMANDS = {"all", "registry", "parser", "result"}

for _info in sorted(pkgutil.iter_modules(importlib.import_module(__package__).__path__), key=lambda m: m.name):
    if _info.name not in _NOT_COMMANDS:
        importlib.import_module(f"{__package__}.{_info.name}")
