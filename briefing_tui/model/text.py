"""Untrusted text made safe to show: control, bidi and invisible characters made visible."""

from __future__ import annotations

import re

_VISIBLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20) if code not in (9, 10)}
_VISIBLE[0x7F] = "\u2421"  # ␡

_NAMED_BY_CODE = (
    range(0x80, 0xA0),  # C1 controls: 0x9B alone is a CSI, 0x9D an OSC, on some terminals
    range(0x200B, 0x2010),  # zero-width space/joiners, LRM, RLM
    range(0x2028, 0x202F),  # line/paragraph separators, bidi embeddings and overrides
    range(0x2060, 0x2065),  # word joiner, invisible operators
    range(0x2066, 0x2070),  # bidi isolates, deprecated invisible format characters
    (0x061C,),  # Arabic letter mark
    (0x180E,),  # Mongolian vowel separator (zero width)
    (0xFEFF,),  # zero-width no-break space (a BOM inside text)
    range(0xFFF9, 0xFFFC),  # interlinear annotation controls
    range(0xD800, 0xE000),  # lone surrogates: a terminal cannot be sent them at all
    range(0xE0000, 0xE0080),  # tag characters: invisible, they can hide a whole sentence
)
for _codes in _NAMED_BY_CODE:
    for _code in _codes:
        _VISIBLE[_code] = f"\u27e8U+{_code:04X}\u27e9"


def _character_class(codes: list[int]) -> str:
    """A regex character class of `codes`, consecutive ones as ranges (escaped)."""
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    parts = [
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in ranges
    ]
    return "[" + "".join(parts) + "]"


_UNSAFE = re.compile(_character_class(sorted(_VISIBLE)))
_TABLE = str.maketrans(_VISIBLE)


def has_controls(text: str) -> bool:
    """True when the text holds characters that must not reach the terminal as they are."""
    return _UNSAFE.search(text) is not None


def visible(text: str) -> str:
    """The text with every control, bidi and invisible character replaced by a visible symbol.

    Tabs and newlines stay: they are layout, and Rich renders them without passing them on.
    """
    if _UNSAFE.search(text) is None:
        return text
    return text.translate(_TABLE)


def one_line(text: str) -> str:
    """`visible` text folded onto one line, for lists and titles."""
    return " ".join(visible(text).split())
