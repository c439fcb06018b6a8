"""The library list's rows: measured from their words, drawn with the same breaks."""

from __future__ import annotations

from conftest import WIDE, loaded, reader
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from briefing_tui.ui.widgets.briefing_list import BriefingList, BriefingRow, wrap_spans

WORD = st.text(alphabet="ab漢字é\u0301", min_size=1, max_size=12)


@given(words=st.lists(WORD, min_size=1, max_size=12), width=st.integers(1, 30))
def test_breaks_keep_every_character_in_lines_that_fit(words: list[str], width: int) -> None:
    text = " ".join(words)
    lines = [text[start:end] for start, end in wrap_spans(text, width)]
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert cell_len(line) <= width or len(line) == 1
        assert line == line.strip(" ")


def test_words_break_greedily_and_long_words_fold() -> None:
    assert wrap_spans("aa bb cc", 5) == [(0, 5), (6, 8)]
    assert wrap_spans("aa bb cc", 8) == [(0, 8)]
    assert wrap_spans("abcdefgh", 3) == [(0, 3), (3, 6), (6, 8)]
    assert wrap_spans("a 漢字漢", 4) == [(0, 1), (2, 4), (4, 5)]
    assert wrap_spans("", 10) == [(0, 0)]


async def test_a_narrow_list_shows_whole_titles_on_as_many_lines_as_it_measured() -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        listed = main.query_one(BriefingList)
        listed.styles.width = 16
        await pilot.pause()
        width = listed.scrollable_content_region.width
        shown = [listed.render_line(y).text.rstrip() for y in range(listed.virtual_size.height)]
        rows = [option.prompt for option in listed.options]
        assert all(isinstance(row, BriefingRow) for row in rows)
        heights = [row.get_height(listed.styles, width - 2) for row in rows]  # padding: 0 1
        assert len(shown) == sum(heights) + len(rows) - 1  # a rule between two rows
        letters = "".join(line for line in shown if not line.startswith("─")).replace(" ", "")
        for title in ("Beta follow-up", "Alpha talks [bold]x[/] and [@click=app.quit]quit[/]"):
            assert title.replace(" ", "") in letters
        problems = main.library.problems("alpha") if main.library else 0
        assert problems and f"⚠{problems}" in letters  # the unresolved ghost-actor
        assert max(cell_len(line) for line in shown) <= width
