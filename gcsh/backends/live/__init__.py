"""The live backend: gcsh's commands on the real gc module of the interpreter it runs in."""

from .backend import LiveBackend

__all__ = ["LiveBackend"]
