"""The simulator's table of names and its roots: every name found again, past the sizes where the
table grows and past what it remembers; undo and redo put names and bindings back exactly; a
binding keeps its place in the namespace's order."""

from gcsh.backends.sim.kernel.names import CACHE
from heapcheck import run, session, sound


def test_thousands_of_names_are_found_both_ways():
    s = session("3.11")
    n = 3 * CACHE + 100  # past what the look-ups remember, and through several growths of the index
    assert run(s, "disable; " + "; ".join(f"alloc a{i}" for i in range(n)))[0]
    heap = s.sim.heap
    for i in range(n):
        op = heap.lookup(f"a{i}")
        assert op is not None and heap.name_of(op) == f"a{i}" and heap.roots.bound(op)
    assert heap.lookup("a") is None and heap.lookup(f"a{n}") is None and "a" not in heap.roots
    assert list(heap.roots) == [f"a{i}" for i in range(n)]
    assert sound(s) == []


def test_names_beyond_ascii():
    s = session("3.11")
    heap = s.sim.heap
    names = ["é", "ée", "名前", "a", "ab"] + [f"ü{i}" for i in range(40)]
    ops = [heap.new_object("list", name) for name in names]
    for name, op in zip(names, ops):
        assert heap.lookup(name) == op and heap.name_of(op) == name
    assert heap.lookup("e") is None and heap.lookup("名") is None


def test_undo_and_redo_give_names_and_bindings_back():
    s = session("3.11")
    assert run(s, "alloc a; alloc b; alloc c; del b; alloc b dict; link a b")[0]
    heap = s.sim.heap
    after = (list(heap.roots.items()), [(n, heap.lookup(n)) for n in "abc"], heap.names.name_at.tolist())
    assert [name for name, _ in after[0]] == ["a", "c", "b"]  # b bound again: after the others
    assert run(s, "undo 3")[0]
    assert [name for name, _ in heap.roots.items()] == ["a", "b", "c"]
    assert heap.kind_of(heap.roots["b"]) == "list"
    assert run(s, "redo 3")[0]
    assert (list(heap.roots.items()), [(n, heap.lookup(n)) for n in "abc"], heap.names.name_at.tolist()) == after
    assert run(s, "undo 6")[0]
    assert list(heap.roots) == [] and all(heap.lookup(n) is None for n in "abc")
    assert run(s, "alloc b")[0]  # a name undone keeps its place in the table: given again, found again
    assert list(heap.roots) == ["b"] and sound(s) == []


def test_a_name_a_failed_command_gave_is_taken_back():
    s = session("3.11")
    ok, err = run(s, "alloc x list nosuch")
    assert not ok and s.sim.heap.lookup("x") is None and "x" not in s.sim.heap.roots


def test_cpython_names_never_take_a_bound_name():
    s = session("3.10")
    assert run(s, "alloc a.__dict__; alloc a object; link a a")[0]  # 3.10: the first attribute makes a.__dict__
    heap = s.sim.heap
    assert heap.kind_of(heap.roots["a.__dict__"]) == "list"
    assert heap.name_of(heap.instance_dict[heap.roots["a"]]).startswith("_dict")  # a name of its own
    assert run(s, "del a.__dict__")[0] and sound(s) == []


def test_binding_order_writes_are_idempotent_as_a_rollback_run_twice_needs():
    from gcsh.backends.sim.kernel.names import NONE, Order
    order = Order()
    for row, before in ((8, 0), (9, 8), (10, 9)):
        order[row] = before
    order[9] = NONE
    order[9] = NONE  # unbound already: nothing changes
    order[10] = 8  # linked where it is already
    assert order.rows() == [8, 10]
    order[9] = 8
    order[9] = 8
    assert order.rows() == [8, 9, 10]


def test_ctrl_c_inside_a_trial_s_rollback_leaves_the_roots_whole(tmp_path, monkeypatch):
    from heapcheck import FailAt
    import test_faults_generated as generated
    monkeypatch.chdir(tmp_path)  # (the set-up saves a session file)
    s = session("3.10")
    assert run(s, generated.SETUP)[0]
    roots = list(s.sim.heap.roots)
    ok, err = FailAt(2266, KeyboardInterrupt).run(s, generated.LONG["whatif"])  # in the journal's _undo
    assert not ok and "interrupted" in err[-1]
    assert list(s.sim.heap.roots) == roots and sound(s) == []
