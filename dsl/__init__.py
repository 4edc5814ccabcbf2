"""The mission language: parse, check and compile `.mission` / `.world` files.

Pipeline: :mod:`dsl.loader` (read files, resolve imports and the world safely) → :mod:`dsl.parser`
(LALR grammar ``mission.lark`` → :mod:`dsl.ast`) → :mod:`dsl.checker` (every diagnostic, using
:mod:`bt_runtime.vocabulary`) → :mod:`dsl.compiler` (py_trees tree) → :mod:`dsl.export` (json, dot,
BehaviorTree.CPP XML, text). :func:`dsl.api.check_paths` is the front door.
"""

__all__: list[str] = []
