"""gcsh: an interactive shell for seeing CPython's garbage collector work."""

__version__ = "0.1.0"
