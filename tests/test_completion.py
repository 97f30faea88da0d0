"""Tab completion as a pure function: text before the cursor in, candidates out."""

import pytest

from gcsh.commands.registry import KINDS, MODELS, all_commands, command_words, lookup
from gcsh.shell.completion import complete

NAMES = ["b", "a", "x10", "x2"]


def texts(text, names=NAMES, **kw):
    return [c.text for c in complete(text, names, **kw)]


def test_command_words_with_their_summaries_commands_before_aliases():
    found = complete("")
    words = command_words()
    assert [c.text for c in found] == sorted(w for w in words if not words[w].startswith("= ")) + \
        sorted(w for w in words if words[w].startswith("= "))
    assert all(c.meta == words[c.text] and c.replace == 0 for c in found)
    assert texts("al") == ["alloc"] and complete("al")[0].replace == 2
    assert texts("get_c") == ["get_count"]
    assert texts("gc.co") == ["gc.collect", "gc.count"]
    assert texts("zz") == []


def test_the_first_word_of_each_statement_is_a_command():
    assert texts("alloc a; del") == ["del"]
    assert texts("alloc a;") == texts("")


def test_object_names_in_natural_order_with_the_argument_they_fill():
    found = complete("link ", NAMES)
    assert [c.text for c in found] == ["a", "b", "x2", "x10"]
    assert found[0].meta.startswith("SRC: ")
    assert complete("link a ", NAMES)[0].meta.startswith("DST: ")
    assert texts("link x", NAMES) == ["x2", "x10"]
    assert texts("del a b ", NAMES) == ["x2", "x10"]  # a variadic argument skips the names given


def test_a_new_name_has_no_candidates():
    assert texts("alloc ") == []
    assert texts("weakref ") == []


def options(command):
    return [o.name for o in lookup(command)[0].options]


def test_kinds_then_options():
    found = complete("alloc a ")
    assert [c.text for c in found] == [*KINDS, *options("alloc")]
    assert found[0].meta == KINDS["list"]
    assert texts("alloc a d") == ["dict"]
    assert texts("alloc n dict ") == ["a", "b", "x2", "x10", *options("alloc")]  # then items: names
    assert texts("alloc a ", ["a", "b"])[0] == "list"


def test_options_once_the_required_arguments_are_there():
    assert "--resurrect" not in texts("alloc ")
    assert texts("alloc --r") == ["--resurrect"]


def test_generations_and_options():
    assert "--trace" in options("collect")
    assert texts("collect ") == ["0", "1", "2", *options("collect")]
    assert texts("collect 0 ") == options("collect")
    assert texts("collect --t") == ["--trace"]
    assert "--trace" not in texts("collect --trace ")  # an option given is not offered again
    assert texts("collect --trace ")[:3] == ["0", "1", "2"]


def test_debug_flags_with_plus_and_minus_in_any_case():
    assert texts("flags ")[:5] == ["DEBUG_STATS", "DEBUG_COLLECTABLE", "DEBUG_UNCOLLECTABLE", "DEBUG_SAVEALL",
                                   "DEBUG_LEAK"]
    assert len(texts("flags ")) == 15
    assert texts("flags +DEBUG_S") == ["+DEBUG_STATS", "+DEBUG_SAVEALL"]
    found = complete("flags -debug_sa")
    assert [(c.text, c.replace) for c in found] == [("-DEBUG_SAVEALL", 9)]
    assert found[0].meta == "remove DEBUG_SAVEALL (32)"
    assert texts("set_debug DEBUG_LEAK +DEBUG_ST") == ["+DEBUG_STATS"]


def test_backends_models_choices_and_command_names():
    assert texts("backend ") == ["sim", "live"]
    assert texts("model ") == list(MODELS)
    assert texts("callbacks o") == ["on", "off"]
    assert texts("garbage ") == ["clear", "--all"]
    assert texts("help co") == ["collect", "count"]


def test_commands_without_arguments_offer_nothing():
    assert texts("count ") == []
    assert texts("get_threshold ") == []


def test_file_paths(tmp_path):
    (tmp_path / "cycle.gcsh").write_text("")
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "one.gcsh").write_text("")
    (tmp_path / ".hidden").write_text("")
    found = complete("source ", cwd=str(tmp_path))
    assert [(c.text, c.meta) for c in found] == [("cases/", "directory"), ("cycle.gcsh", "file")]
    assert texts("source c", cwd=str(tmp_path)) == ["cases/", "cycle.gcsh"]
    found = complete("source cases/o", cwd=str(tmp_path))
    assert [(c.text, c.replace, c.display) for c in found] == [("cases/one.gcsh", 7, "one.gcsh")]
    assert texts("source .h", cwd=str(tmp_path)) == [".hidden"]
    assert texts("source " + str(tmp_path) + "/cy") == [str(tmp_path) + "/cycle.gcsh"]
    assert texts("source nowhere/", cwd=str(tmp_path)) == []


def test_option_values_by_the_option_type():
    """Every typed option of the registry completes its value by its type (e.g. `-o FILE`)."""
    typed = [(c, o) for c in all_commands() for o in c.options if o.type is not None and o.type.kind == "path"]
    for command, option in typed:
        flag = option.short or option.name
        assert texts(f"{command.name} {flag} ", cwd="/") != [], (command.name, flag)


def test_nothing_inside_comments_quotes_or_after_unknown_commands():
    assert texts("alloc a # l") == []
    assert texts('alloc a "l') == []
    assert texts("bogus ") == []
    assert texts("py alloc") == [] and texts("py x = a") == []  # Python is not ours to complete


@pytest.mark.parametrize("text", ["", "a", "alloc", "link a a", "flags +", "collect --trace=", "del ;; ",
                                  "alloc x dict 'a' ", "source ~/", '"', "--", "-", "link a b c d e"])
def test_any_text_gives_a_list(text):
    for c in complete(text, NAMES):
        assert 0 <= c.replace <= len(text) and text.endswith(text[len(text) - c.replace:])


def test_del_offers_only_the_names_it_takes():
    found = [c.text for c in complete("del ", ["a", "a.__dict__", "b", "kept"], roots=["a", "b"])]
    assert found == ["a", "b"]
    assert texts("referrers ", ["a", "kept"]) == ["a", "kept"]  # any object there


def test_object_names_match_fuzzily_after_the_prefix_matches():
    names = ["root", "rt", "other_root", "cache_entry", "r2"]
    assert texts("link rt", names) == ["rt", "root", "other_root"]
    assert texts("link ce", names) == ["cache_entry"]
    assert texts("link ZZ", names) == []
    assert texts("col") == ["collect"]  # command words: by prefix only, as pgcli does for keywords


def test_help_offers_command_words():
    assert "collect" in texts("help co")


def test_handles_are_offered_once_an_at_sign_is_typed():
    names = ["doc", "parser", "@2", "@1"]
    assert texts("why ", names) == ["doc", "parser"]
    assert texts("why @", names) == ["@1", "@2"]
    assert texts("referents doc @", names) == ["@1", "@2"]
