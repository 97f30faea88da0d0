"""The collector's loops: each span operation's plain form (slices, counts, translate) gives what
its loop form (the one numba compiles) gives, and a list read as runs is the list in order."""

from __future__ import annotations

from array import array

from hypothesis import given, settings, strategies as st

from gcsh.backends.sim.kernel import collector, loops
from heapcheck import session

SPANS = ("consecutive", "zeros_from", "count_value", "count_between", "count_bit", "span_sum", "set_bit", "fill",
         "copy_span", "span_rows")
bounds = st.integers(0, 70).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(0, n)))


def both(name: str):
    return getattr(loops, name), loops.LOOP_FORMS[name]


def test_every_span_operation_has_its_loop_form():
    assert set(loops.LOOP_FORMS) == set(SPANS)
    for name in SPANS:
        plain, loop = both(name)
        assert plain is not loop


@settings(max_examples=300, deadline=None)
@given(bounds, st.data())
def test_the_plain_and_the_loop_forms_agree(where, data):
    n, start, stop = where
    start, stop = min(start, stop), max(start, stop)
    # a column of links where runs of consecutive rows are likely, and one of counts with zeros
    nxt = array("i", [data.draw(st.sampled_from([i + 1, i + 1, 0, i + 2])) for i in range(n + 1)])
    refs = array("i", data.draw(st.lists(st.sampled_from([0, 0, 0, 1, 256, -1, 1 << 24]), min_size=n, max_size=n)))
    flags = array("B", data.draw(st.lists(st.integers(0, 255), min_size=n, max_size=n)))
    kinds = array("H", data.draw(st.lists(st.sampled_from([0, 3, 3, 768, 771]), min_size=n, max_size=n)))
    for name, args in (("consecutive", (nxt, start, stop)), ("zeros_from", (refs, start, stop)),
                       ("count_value", (refs, start, stop, 0)), ("count_value", (flags, start, stop, 7)),
                       ("span_sum", (refs, start, stop)), ("count_value", (kinds, start, stop, 3)),
                       ("count_between", (kinds, start, stop, 2, 3)), ("count_between", (refs, start, stop, 0, 1))):
        plain, loop = both(name)
        assert plain(*args) == loop(*args), name
    for bit in (1, 4, 8, 32):
        plain, loop = both("count_bit")
        assert plain(flags, start, stop, bit) == loop(flags, start, stop, bit)
    for name, value in (("set_bit", 8), ("fill", 3), ("fill", 0)):
        plain, loop = both(name)
        a, b = array("B", flags), array("B", flags)
        plain(a, start, stop, value)
        loop(b, start, stop, value)
        assert a == b, name
    plain, loop = both("copy_span")
    a, b = array("i", [-1]) * n, array("i", [-1]) * n
    plain(a, refs, start, stop)
    loop(b, refs, start, stop)
    assert a == b
    plain, loop = both("span_rows")
    a, b = array("i", [-1]) * (n + 3), array("i", [-1]) * (n + 3)
    plain(a, 2, start, stop)
    loop(b, 2, start, stop)
    assert a == b


def test_a_list_read_as_runs_is_the_list_in_order():
    s = session("3.12")
    s.run_text("disable; chain c 600; ring r 300; random g 200 --edges 400 --seed 3; collect 0; chain d 50")
    heap = s.sim.heap
    for head in range(3):
        starts, ends, n = collector.runs(heap, head)
        assert list(collector.rows(heap, head)) == list(heap.objects(head))
        assert all(starts[i] < ends[i] for i in range(n))
    assert collector.runs(heap, 1)[2] == 1  # the survivors of a collection keep their order: one run
