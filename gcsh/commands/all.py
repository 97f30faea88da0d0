"""Importing this module declares every command (the registry's modules, in help order)."""

from . import heap, collector, inspect, shell  # noqa: F401
