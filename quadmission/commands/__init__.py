"""One module per ``mission`` subcommand; :mod:`quadmission.cli` imports a module only when chosen.

Each module's ``main(args)`` takes the parsed :class:`argparse.Namespace` and returns a status from
:mod:`quadmission.exit_codes`.
"""

__all__: list[str] = []
