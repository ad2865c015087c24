"""The text of a stored state, written and read by orjson where that gives the very text and values the
standard library's ``json`` gives, and by ``json`` everywhere else.

``json.dumps`` took a tenth of an engine step (about 100 µs for a state of 8 KB), orjson under 10 µs.
Both write the same text for the values a state is almost always made of; where they would differ,
the state goes through ``json`` as before, so a state's text never depends on which way it took:

- **writing**: orjson writes a UUID, a datetime or an enum itself where ``json`` asks the state
  registry (``default``); it writes NaN and infinity as ``null``; it writes floats below 1e-4 or from
  1e16 up in another notation (``1e-7`` for ``1e-07``). :func:`plain` finds all of these before
  orjson runs. orjson refuses integers beyond 64 bits, keys that are not strings, lone surrogates and
  deep nesting; those take ``json`` too. orjson writes UTF-8 where ``json`` writes ``\\uXXXX``, so the
  few characters outside printable ASCII are escaped afterwards as ``json`` escapes them.
- **reading**: orjson reads an integer of 19 digits or more that does not fit 64 bits as a float. A
  text with such a run of digits takes ``json``, and so does any text orjson refuses (NaN, a lone
  surrogate).

tests/engine/workflow/test_state_json.py compares both ways on generated values (hypothesis).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# Floats ``json`` (``repr``) and orjson write alike: zero and 1e-4 <= |x| < 1e16 (repr's fixed notation).
_LOW, _HIGH = 1e-4, 1e16
_INT_MIN, _INT_MAX = -(2**63), 2**64 - 1  # what orjson writes; beyond it raises
MAX_NODES = 100_000  # a bigger (or self-containing) structure takes json, which knows what to do
_NOT_ASCII = re.compile("[\x7f-\U0010ffff]")  # what json's ensure_ascii escapes beyond control characters
# Digits as "0", all else as ".": a run of 19 zeros is a number orjson may read otherwise (or some
# other run of digits, as in a string, which then takes json for nothing). A regular expression took
# ten times as long.
_DIGITS = bytes(0x30 if 0x30 <= i <= 0x39 else 0x2E for i in range(256))
_LONG_RUN = b"0" * 19


def plain(value: Any) -> bool:
    """Whether ``value`` holds only what orjson writes as ``json`` does: str, bool, None, dicts, lists
    and tuples, integers of 64 bits and floats of the same notation."""
    stack = [value]
    pop, extend = stack.pop, stack.extend
    budget = MAX_NODES
    while stack:
        budget -= 1
        if budget < 0:
            return False
        item = pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is dict:
            extend(item.values())
        elif kind is list or kind is tuple:
            extend(item)
        elif kind is int:
            if not _INT_MIN <= item <= _INT_MAX:
                return False
        elif kind is float:
            if item != 0.0 and not _LOW <= abs(item) < _HIGH:
                return False  # also NaN, for which every comparison is false
        else:
            return False
    return True


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"


def dumps(dct: dict, encoder_cls: type[json.JSONEncoder], unchecked: list | None = None) -> str:
    """``json.dumps(dct, cls=encoder_cls, separators=(",", ":"))``, the same text, faster where it can.

    ``unchecked``: the values within ``dct`` that may hold what orjson writes otherwise, when the
    caller knows the rest is strings, booleans, None, small integers and lists of strings (default: all
    of ``dct``)."""
    if plain(dct if unchecked is None else unchecked):
        try:
            raw = orjson.dumps(dct)
        except orjson.JSONEncodeError:
            pass  # a key that is no string, a lone surrogate, deep nesting: json says what to do
        else:
            text = raw.decode()
            if raw.isascii() and b"\x7f" not in raw:
                return text
            return _NOT_ASCII.sub(_escape, text)
    return json.dumps(dct, cls=encoder_cls, separators=(",", ":"))


def loads(text: str) -> Any:
    """``json.loads(text)``, the same values, faster where it can."""
    if _LONG_RUN not in text.encode(errors="surrogatepass").translate(_DIGITS):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # NaN, Infinity, a lone surrogate (escaped or not), deep nesting: json reads them or refuses
    return json.loads(text)
