"""What gc's functions refuse of a number, in CPython's own words, for both backends.

Every number a user gives that reaches a gc function is checked here first: the
simulator gives the same errors as CPython, and the live backend never hands gc a
number it would refuse with an OverflowError. The same in CPython 3.10 to 3.13.
"""

from __future__ import annotations

from ..errors import UserError

# gc.set_threshold parses each threshold as a C int ("i"), through a C long; gc.set_debug as a
# C int; gc.get_objects its generation as a Py_ssize_t (an index)
C_LONG = (-(1 << 63), (1 << 63) - 1)
C_INT = (-(1 << 31), (1 << 31) - 1)
SSIZE_T = C_LONG
TOO_LARGE_LONG = "Python int too large to convert to C long"
TOO_LARGE_INT = "Python int too large to convert to C int"
INT_ABOVE = "signed integer is greater than maximum"
INT_BELOW = "signed integer is less than minimum"
NOT_AN_INDEX = "cannot fit 'int' into an index-sized integer"
OBJECTS_NEGATIVE = "generation parameter cannot be negative"
OBJECTS_TOO_BIG = "generation parameter must be less than the number of available generations (3)"


def check_threshold(value: int) -> None:
    """What gc.set_threshold refuses of one threshold (an OverflowError)."""
    if not C_LONG[0] <= value <= C_LONG[1]:
        raise UserError(TOO_LARGE_LONG)
    if value > C_INT[1]:
        raise UserError(INT_ABOVE)
    if value < C_INT[0]:
        raise UserError(INT_BELOW)


def check_debug(value: int) -> None:
    """What gc.set_debug refuses (an OverflowError)."""
    if not C_INT[0] <= value <= C_INT[1]:
        raise UserError(TOO_LARGE_INT)


def objects_generations(generation: int | None) -> tuple[int, ...]:
    """The generations gc.get_objects(GENERATION) lists (None or -1: all), or its error."""
    if generation is None or generation == -1:
        return (0, 1, 2)
    if not SSIZE_T[0] <= generation <= SSIZE_T[1]:
        raise UserError(NOT_AN_INDEX)
    if generation < -1:
        raise UserError(OBJECTS_NEGATIVE)
    if generation > 2:
        raise UserError(OBJECTS_TOO_BIG)
    return (generation,)
