"""The static table of commands: which module declares which command words.

The registry imports a module the first time one of its words is used, so a run
imports only the commands it needs. Adding a module of commands is one line here
(`tests/test_language.py` fails if this table and the declarations disagree).
"""

MODULES = {  # module of gcsh.commands -> every word its commands answer to (names and aliases);
    # help and the docs list the commands of a topic in this order
    "bulk": "chain ring tree rings random",
    "collector": "collect enable disable isenabled flags set_debug get_debug threshold set_threshold "
                 "get_threshold count get_count stats get_stats freeze unfreeze freezecount get_freeze_count "
                 "callbacks garbage",
    "heap": "alloc weakref link unlink del reset",
    "undo": "undo redo",
    "inspect": "objects get_objects referrers get_referrers referents get_referents tracked is_tracked "
               "finalized is_finalized heap",
    "graph": "graph export why cycles sccs whatif",
    "view": "view",
    "leaks": "find pending retained dominators",
    "live": "py types growth snapshot",
    "session_io": "save load",
    "shell": "backend model source help clear history quit exit",
}

WORDS = {word: module for module, words in MODULES.items() for word in words.split()}

# Argument kinds that take the rest of the line verbatim (gcsh.syntax.RAW_REST names their commands).
RAW_KINDS = frozenset({"python"})
