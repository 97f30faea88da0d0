"""Operations on a stretch of a column (rows START to STOP - 1), each written twice on purpose.

The decorated function is the loop numba compiles (kept in LOOP_FORMS; accel.py
compiles it); the plain path calls the form given to `plain_form` instead: one
slice, count or translate that runs in C. tests/test_sim_loops.py checks that
the two forms agree. The other loops call these wherever order does not matter.
"""

import sys
from array import array

LOOP_FORMS = {}


def plain_form(fast):
    """Decorator: the plain path calls FAST; the decorated loop is the form numba compiles."""
    def register(loop):
        LOOP_FORMS[loop.__name__] = loop
        return fast
    return register


_IDENT = array("i")  # 0, 1, 2, ...: what a stretch of consecutive rows is compared with (4 bytes a row)


def _identity(stop):
    if len(_IDENT) < stop:
        _IDENT.extend(range(len(_IDENT), max(stop, 2 * len(_IDENT))))
    return _IDENT


def _gallop(same, start, stop):
    """The longest n <= STOP - START with SAME(start, start + n): doubling, then halving."""
    n, step = 0, 1
    while start + n < stop:
        end = min(start + n + step, stop)
        if same(start + n, end):
            n = end - start
            step *= 2
        elif step > 1:
            step //= 2
        else:
            break
    return n


def _consecutive(nxt, start, stop):
    if start >= stop or nxt[start] != start + 1:
        return 0
    ident = _identity(stop + 1)
    return _gallop(lambda i, j: nxt[i:j] == ident[i + 1:j + 1], start, stop)


@plain_form(_consecutive)
def consecutive(nxt, start, stop):
    """How many rows from START (up to STOP) are each followed on their list by the next row."""
    i = start
    while i < stop and nxt[i] == i + 1:
        i += 1
    return i - start


def _zeros_from(a, start, stop):
    if start >= stop or a[start] != 0:
        return 0
    width = a.itemsize
    return _gallop(lambda i, j: a[i:j].tobytes().count(0) == (j - i) * width, start, stop)


@plain_form(_zeros_from)
def zeros_from(a, start, stop):
    """How many entries of A from START (up to STOP) are 0."""
    i = start
    while i < stop and a[i] == 0:
        i += 1
    return i - start


_LOW = 0 if sys.byteorder == "little" else 1  # where the low byte of a 16-bit entry is


def _count_value(a, start, stop, value):
    if stop - start < 64:  # (a short span: the runs of a list whose order is mixed up)
        return a[start:stop].count(value)
    if a.itemsize == 2 and 0 <= value < 256:  # `kind`: a byte count when no code needs a high byte
        raw = a[start:stop].tobytes()
        high = raw[1 - _LOW::2]
        if high.count(0) == len(high):
            return raw[_LOW::2].count(value)
    return a[start:stop].count(value)


@plain_form(_count_value)
def count_value(a, start, stop, value):
    n = 0
    for i in range(start, stop):
        if a[i] == value:
            n += 1
    return n


_OUTSIDE = {}  # (lo, hi): the bytes outside lo..hi


def _count_between(a, start, stop, lo, hi):
    if stop - start == 1:
        return 1 if lo <= a[start] <= hi else 0
    if a.itemsize == 2 and 0 <= lo <= hi < 256:
        raw = a[start:stop].tobytes()
        high = raw[1 - _LOW::2]
        if high.count(0) == len(high):
            if (lo, hi) not in _OUTSIDE:
                _OUTSIDE[lo, hi] = bytes(v for v in range(256) if not lo <= v <= hi)
            return len(raw[_LOW::2].translate(None, _OUTSIDE[lo, hi]))
    return sum(a[start:stop].count(v) for v in range(lo, hi + 1))


@plain_form(_count_between)
def count_between(a, start, stop, lo, hi):
    """How many entries of A[START:STOP] are LO to HI."""
    n = 0
    for i in range(start, stop):
        if lo <= a[i] <= hi:
            n += 1
    return n


_WITHOUT = [bytes(v for v in range(256) if not v & bit) for bit in range(256)]  # bytes lacking BIT
_WITH = [bytes(v | bit for v in range(256)) for bit in range(256)]  # each byte with BIT set


def _count_bit(a, start, stop, bit):
    if stop - start == 1:
        return 1 if a[start] & bit else 0
    return len(a[start:stop].tobytes().translate(None, _WITHOUT[bit]))


@plain_form(_count_bit)
def count_bit(a, start, stop, bit):
    """How many bytes of A[START:STOP] have BIT set."""
    n = 0
    for i in range(start, stop):
        if a[i] & bit:
            n += 1
    return n


@plain_form(lambda a, start, stop: sum(a[start:stop]))
def span_sum(a, start, stop):
    n = 0
    for i in range(start, stop):
        n += a[i]
    return n


def _set_bit(a, start, stop, bit):
    if stop - start == 1:
        a[start] |= bit
        return
    a[start:stop] = array(a.typecode, a[start:stop].tobytes().translate(_WITH[bit]))


@plain_form(_set_bit)
def set_bit(a, start, stop, bit):
    for i in range(start, stop):
        a[i] |= bit


def _copy_span(a, b, start, stop):
    a[start:stop] = b[start:stop]


@plain_form(_copy_span)
def copy_span(a, b, start, stop):
    """A[START:STOP] = B[START:STOP] (two columns of one type)."""
    for i in range(start, stop):
        a[i] = b[i]


def _fill(a, start, stop, value):
    if stop - start == 1:
        a[start] = value
        return
    a[start:stop] = array(a.typecode, [value]) * (stop - start)


@plain_form(_fill)
def fill(a, start, stop, value):
    for i in range(start, stop):
        a[i] = value


def _span_rows(out, n, start, stop):
    if stop - start == 1:
        out[n] = start
        return
    out[n:n + stop - start] = _identity(stop)[start:stop]


@plain_form(_span_rows)
def span_rows(out, n, start, stop):
    """OUT[N:] = START, START + 1, ..., STOP - 1."""
    for i in range(start, stop):
        out[n + i - start] = i
