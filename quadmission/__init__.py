"""quadmission: the application layer — the ``mission`` command, one module per subcommand, and
the run session.

It is the only package that imports both :mod:`dsl` and :mod:`bt_runtime`: the language checks and
compiles a mission, the runtime runs it, and this package puts the two together for a user.
``tests/test_architecture.py`` guards the direction of every import.
"""

__all__: list[str] = []
