"""Session files as JSON: strict and bounded parsing, and typed access that names the field.

`parse` refuses a file whose JSON would not fit in bounded memory before parsing it
(the number of values is counted at C speed first), then anything that is not strict,
unambiguous JSON: duplicate keys, NaN and infinities, nesting too deep. `Reader` reads
the parsed document field by field; every mistake is an `Invalid` that names the field
it is in (`objects[3].refcount`), for `load`'s one-line error.
"""

from __future__ import annotations

import json

from ...syntax import MAX_LINE
from ...values import NAME_RE
from .kernel.layout import FREED, HEADS
from .persist import FORMAT, MAX_VALUES, VERSION, Invalid


def parse(data: bytes) -> dict:
    """The file's JSON object; Invalid for anything that is not strict, unambiguous JSON, or that
    holds more values than a session file of the largest heap that can be saved."""
    values = data.count(b",") + data.count(b"[") + data.count(b"{")
    if values > MAX_VALUES:
        raise Invalid("", f"too large: about {values:,} values, more than the {MAX_VALUES:,} a session file holds")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Invalid("", f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})") from None
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise Invalid("", f"not JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except RecursionError:
        raise Invalid("", "not a session file: nested too deeply") from None
    except ValueError as e:  # a number too long to convert, a duplicate key, NaN
        raise Invalid("", f"not a session file: {short(str(e), 100)}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise Invalid("", "not a gcsh session file")
    version = doc.get("version")
    if type(version) is not int or version < 1:
        raise Invalid("version", f"expected a positive integer, got {short(version)}")
    if version > VERSION:
        raise Invalid("", f"written by a newer gcsh (format version {version}; "
                          f"this gcsh reads version {VERSION})")
    return doc


def _no_duplicate_keys(pairs: list) -> dict:
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {short(k)}")
        out[k] = v
    return out


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number a session holds")


class Reader:
    """Typed access to the parsed JSON; every mistake names the field it is in."""

    ids = 0
    contents = None  # restore._Contents: the rows read so far (id_of asks it which ids are objects)

    def expect(self, value, kind: type, where: str):
        if type(value) is not kind:  # `type is`, so that true is not taken for 1
            raise Invalid(where, f"expected {_TYPE_WORDS[kind]}, got {short(value)}")
        return value

    def field(self, record: dict, key: str, kind: type, where: str):
        path = f"{where}.{key}" if where else key
        if key not in record:
            raise Invalid(path, "missing")
        return self.expect(record[key], kind, path)

    def only(self, record: dict, allowed: set, where: str) -> None:
        extra = sorted(set(record) - allowed)
        if extra:
            raise Invalid(where, f"unknown field {short(extra[0])}")

    def integer(self, record: dict, key: str, where: str, low: int | None, high: int | None) -> int:
        value = self.field(record, key, int, where)
        path = f"{where}.{key}" if where else key
        if low is not None and value < low:
            raise Invalid(path, f"{short(value)} is less than {low}")
        if high is not None and value > high:
            raise Invalid(path, f"{short(value)} is more than {high}")
        return value

    def integers(self, record: dict, key: str, where: str, low: int | None, high: int | None) -> list[int]:
        values = self.field(record, key, list, where)
        if len(values) != 3:
            raise Invalid(f"{where}.{key}", "expected 3 integers")
        return [self.integer({key: v}, key, where, low, high) for v in values]

    def checked(self, check, value: int, where: str) -> None:
        try:
            check(value)
        except Exception as e:  # the model's own words (CPython's OverflowError)
            raise Invalid(where, f"{short(value)}: {e}") from None

    def text(self, record: dict, key: str, where: str) -> str:
        value = self.field(record, key, str, where)
        if len(value) > MAX_LINE:
            raise Invalid(f"{where}.{key}", f"a string of {len(value)} characters is longer than gcsh makes")
        return value

    def line(self, value, where: str) -> str:
        """A short line of printable text (it may appear in messages)."""
        if type(value) is not str or len(value) > 200 or not value.isprintable():
            raise Invalid(where, "expected a short line of printable text")
        return value

    def name(self, record: dict, key: str, where: str) -> str:
        value = self.text(record, key, where)
        if not NAME_RE.match(value):
            raise Invalid(f"{where}.{key}", f"not a valid name: {short(value)}")
        return value

    def flag(self, record: dict, key: str, where: str, default: bool = False) -> bool:
        return self.field(record, key, bool, where) if key in record else default

    def pair(self, value, where: str) -> tuple:
        value = self.expect(value, list, where)
        if len(value) != 2:
            raise Invalid(where, "expected a pair")
        return value[0], value[1]

    def id_of(self, value, where: str) -> int:
        """The row of an id that names a live object of the file."""
        if type(value) is not int:
            raise Invalid(where, f"expected an object id, got {short(value)}")
        op = value + HEADS
        if not 0 <= value < self.ids or self.contents.gen[value] == FREED:
            raise Invalid(where, f"id {short(value)} is not an object of this session")
        return op


_TYPE_WORDS = {dict: "an object", list: "a list", str: "a string", int: "an integer", bool: "true or false"}


def short(value, limit: int = 40, quote: bool = True) -> str:
    """A value as it may appear in a one-line message: repr'd, and cut if long."""
    text = repr(value) if quote else str(value)
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.replace("\n", " ")
