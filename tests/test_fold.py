"""Folding long lines for the terminal: at word boundaries, continuations under their text."""

from gcsh.render.fold import fold
from gcsh.render.table import width


def test_short_lines_are_left_alone():
    assert fold(["a -> b [0]  (b: refcount 2)", ""], 80) == ["a -> b [0]  (b: refcount 2)", ""]


def test_a_numbered_step_continues_under_its_text():
    line = " 6. move_legacy_finalizers: no legacy finalizer among the unreachable; the garbage is [a, b]"
    assert fold([line], 80) == [" 6. move_legacy_finalizers: no legacy finalizer among the unreachable; the",
                                "    garbage is [a, b]"]


def test_a_two_column_row_continues_in_its_second_column():
    line = "  freeze       move every tracked object to the permanent generation  [gc.freeze]"
    assert fold([line], 70) == ["  freeze       move every tracked object to the permanent generation",
                                "               [gc.freeze]"]


def test_plain_text_hangs_two_columns_in_and_no_word_is_cut():
    text = " ".join(f"word{i}" for i in range(40))
    folded = fold([text], 50)
    assert all(width(line) <= 50 for line in folded) and all(line.startswith("  ") for line in folded[1:])
    assert " ".join(part.strip() for part in folded) == text


def test_a_word_longer_than_the_line_is_broken_where_the_terminal_would():
    assert fold(["x" * 100], 80) == ["x" * 80, "  " + "x" * 20]


def test_wide_characters_are_measured_by_their_columns():
    folded = fold(["名前 " * 30], 40)  # each word takes four columns, and its space one
    assert folded[0] == " ".join(["名前"] * 8) and width(folded[0]) == 39
    assert folded[1:] == ["  " + " ".join(["名前"] * 7)] * 3 + ["  名前"]


def test_colours_take_no_columns_and_stay_where_they_were():
    line = "  \x1b[1m--all\x1b[0m          list every name (long lists are summarised: the first 10 and how many more)"
    assert fold([line], 80) == [
        "  \x1b[1m--all\x1b[0m          list every name (long lists are summarised: the first 10 and",
        "                 how many more)"]
    red = "\x1b[31m" + "red " * 30 + "\x1b[0m"
    folded = fold([red], 50)
    assert folded[0].startswith("\x1b[31mred ") and folded[-1].endswith("\x1b[0m")
    assert "".join(folded).replace(" ", "") == red.replace(" ", "")


def test_a_line_with_other_escape_sequences_is_left_to_the_terminal():
    line = "\x1b[2K" + "word " * 30
    assert fold([line], 80) == [line]
