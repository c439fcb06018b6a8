"""Untrusted text made safe to show: control, bidi and invisible characters made visible."""

from __future__ import annotations

import functools
import re

_PICTURED = (range(0x00, 0x09), range(0x0B, 0x20), (0x7F,))
"""C0 controls but tab and newline, and DEL: shown as their Control Pictures (␀ ... ␡)."""

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
"""Shown by name, as ⟨U+XXXX⟩."""


def _character_class(groups: tuple[range | tuple[int], ...]) -> str:
    """A regex character class of the codes in `groups` (each a range or one code)."""
    parts = []
    for codes in groups:
        low, high = re.escape(chr(codes[0])), re.escape(chr(codes[-1]))
        parts.append(low if low == high else f"{low}-{high}")
    return "[" + "".join(parts) + "]"


_UNSAFE = re.compile(_character_class(_PICTURED + _NAMED_BY_CODE))


@functools.cache
def _table() -> dict[int, str]:
    """What `visible` puts in place of each unsafe character (built when first needed: most
    text has none, and a warm search shows only a few lines)."""
    table = {code: chr(0x2400 + code) for codes in _PICTURED for code in codes}
    table[0x7F] = "\u2421"  # ␡: the picture of DEL is not at 0x2400 + 0x7F
    for codes in _NAMED_BY_CODE:
        for code in codes:
            table[code] = f"\u27e8U+{code:04X}\u27e9"
    return table


def has_controls(text: str) -> bool:
    """True when the text holds characters that must not reach the terminal as they are."""
    return _UNSAFE.search(text) is not None


def visible(text: str) -> str:
    """The text with every control, bidi and invisible character replaced by a visible symbol.

    Tabs and newlines stay: they are layout, and Rich renders them without passing them on.
    """
    if _UNSAFE.search(text) is None:
        return text
    return text.translate(_table())


def one_line(text: str) -> str:
    """`visible` text folded onto one line, for lists and titles."""
    return " ".join(visible(text).split())
