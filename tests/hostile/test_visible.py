"""`visible()`: every character a terminal would act on, or that hides or reorders text, becomes
a visible symbol; everything else is left exactly as it was."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_tui.model.text import has_controls, one_line, visible

TERMINAL_ATTACKS = {
    "\x1b]2;PWNED\x07": "␛]2;PWNED␇",  # OSC 2: window title
    "\x1b]0;PWNED\x1b\\": "␛]0;PWNED␛\\",  # OSC 0, ST-terminated
    "\x1b]8;;https://example.invalid\x1b\\x\x1b]8;;\x1b\\": "␛]8;;https://example.invalid␛\\x␛]8;;␛\\",
    "\x1b]52;c;cm0gLXJmIH4=\x07": "␛]52;c;cm0gLXJmIH4=␇",  # OSC 52: clipboard
    "\x1b[2J\x1b[H": "␛[2J␛[H",  # clear, cursor home
    "\x1bc": "␛c",  # full reset
    "\x9b2J": "⟨U+009B⟩2J",  # C1 CSI
    "\x9d0;PWNED\x9c": "⟨U+009D⟩0;PWNED⟨U+009C⟩",  # C1 OSC and ST
    "\x85": "⟨U+0085⟩",  # NEL
    "a\rb": "a␍b",  # carriage return: overwrites the line
    "a\bb": "a␈b",
    "\x00\x7f": "␀␡",
    "\u202eevil\u202c": "⟨U+202E⟩evil⟨U+202C⟩",  # bidi override (Trojan Source)
    "\u2066\u2067\u2068\u2069": "⟨U+2066⟩⟨U+2067⟩⟨U+2068⟩⟨U+2069⟩",
    "\u200b\u200c\u200d\u200e\u200f": "⟨U+200B⟩⟨U+200C⟩⟨U+200D⟩⟨U+200E⟩⟨U+200F⟩",
    "\u2028\u2029": "⟨U+2028⟩⟨U+2029⟩",
    "\ufeff": "⟨U+FEFF⟩",
    "\u061c\u180e\u2060\u206a\u206f": "⟨U+061C⟩⟨U+180E⟩⟨U+2060⟩⟨U+206A⟩⟨U+206F⟩",
    "\U000e0001\U000e0041\U000e007f": "⟨U+E0001⟩⟨U+E0041⟩⟨U+E007F⟩",  # tags: hidden text
    "\ud800": "⟨U+D800⟩",  # a lone surrogate cannot even be encoded for the terminal
}


@pytest.mark.parametrize(("raw", "shown"), TERMINAL_ATTACKS.items())
def test_terminal_attacks_become_visible_symbols(raw: str, shown: str) -> None:
    assert has_controls(raw)
    assert visible(raw) == shown
    assert not has_controls(visible(raw))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ASCII, with [@click=app.quit]markup[/] and $vars {braces}",
        "Ünïcödé, 日本語, العربية, עברית, emoji 🙂, combining é",
        "tabs\tand\nnewlines stay",
        "\u00a0no-break space, \u00ad soft hyphen, \ufe0f variation selector",
    ],
)
def test_ordinary_text_is_left_exactly_as_it_is(text: str) -> None:
    assert not has_controls(text)
    assert visible(text) is text


@pytest.mark.parametrize("category", ["Cc", "Cs"], ids=["control characters", "surrogates"])
def test_every_control_and_surrogate_is_made_visible(category: str) -> None:
    everything = [chr(code) for code in range(0x110000)]
    chosen = [c for c in everything if unicodedata.category(c) == category and c not in "\t\n"]
    assert chosen
    for character in chosen:
        assert has_controls(character), f"U+{ord(character):04X}"


def test_every_invisible_format_character_that_moves_or_hides_text_is_made_visible() -> None:
    """Format characters (Cf) minus the ones that only shape visible text (Arabic number signs,
    the soft hyphen, Egyptian and musical format characters...)."""
    kept = {0x00AD, *range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD}
    kept |= {0x110CD, *range(0x13430, 0x13456), *range(0x1BCA0, 0x1BCA4)}
    kept |= {*range(0x1D173, 0x1D17B)}
    for code in range(0x110000):
        if unicodedata.category(chr(code)) == "Cf" and code not in kept:
            assert has_controls(chr(code)), f"U+{code:04X}"


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_visible_text_is_safe_and_keeps_the_safe_characters(text: str) -> None:
    shown = visible(text)
    assert not has_controls(shown)
    assert visible(shown) == shown
    assert shown == "".join(c if not has_controls(c) else visible(c) for c in text)


@settings(max_examples=200)
@given(st.text())
def test_one_line_is_visible_and_on_one_line(text: str) -> None:
    line = one_line(text)
    assert not has_controls(line)
    assert "\n" not in line and "\t" not in line
    assert line == line.strip()
