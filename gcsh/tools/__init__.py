"""gcsh's own tooling, kept out of the runtime package's root: the docs generators and
checkers (`python -m gcsh.tools.docgen`, `python -m gcsh.tools.doctest_sessions`) and the
generator of hostile input the fault tests use (`fuzzing`). Nothing at run time imports it."""
