"""The quick path for plain lines splits them exactly as the character loop does."""

from hypothesis import given, settings
from hypothesis import strategies as st

from gcsh.syntax import split_line

PLAIN = st.text(st.sampled_from("ab_ 1\t.=-+\u00a0\u2003é\x1cxyz"), max_size=40)


@settings(max_examples=500)
@given(PLAIN, st.integers(1, 99))
def test_plain_lines_split_as_the_loop_splits_them(line, number):
    # a trailing ';' sends the same line through the character loop, and adds nothing
    assert split_line(line, number) == split_line(line + ";", number)


def test_raw_rest_commands_keep_the_rest_of_the_line():
    (statement,) = split_line("py x = 1")
    assert [w.text for w in statement.words] == ["py", "x = 1"]
