"""Handlers of ``mission check``, ``mission show`` and ``mission compile`` (see bt_runtime.cli)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from dsl.api import Report, check_paths
from dsl.checker import CheckedProgram, runnable_diagnostics
from dsl.compiler import CompileError, compile_mission
from dsl.diagnostics import sort_diagnostics
from dsl.export import render_tree, to_btcpp_xml, to_dot, to_json

__all__ = ["check", "compile_", "missing_files", "show"]

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def missing_files(paths: Sequence[str]) -> list[str]:
    """Usage problems with the files named on the command line (missing, or not files)."""
    problems = []
    for path in paths:
        if not os.path.exists(path):
            problems.append(f"mission: error: no such file: {path}")
        elif not os.path.isfile(path):
            problems.append(f"mission: error: not a file: {path}")
    return problems


def _report(report: Report) -> None:
    text = report.render()
    if text:
        print(text, file=sys.stderr)


def check(args: argparse.Namespace) -> int:
    """``mission check FILE...``: every problem of every file (and what they import) at once."""
    problems = missing_files(args.files)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_USAGE
    report = check_paths(args.files)
    _report(report)
    if report.has_errors:
        return EXIT_ERRORS
    n = len(args.files)
    print(f"ok: {n} file{'s' if n != 1 else ''} checked, no errors")
    return EXIT_OK


def _runnable(path: str) -> tuple[Report, CheckedProgram | None]:
    """Check ``path`` and return its program only if it can be shown/compiled."""
    report = check_paths([path])
    program = report.programs[0] if report.programs else None
    if program is None or report.has_errors:
        return report, None
    problems = runnable_diagnostics(program)
    if problems:
        extra = Report(report.programs, tuple(sort_diagnostics([*report.diagnostics, *problems])),
                       report.sources)
        return extra, None
    return report, program


def _render(file: str, render: Callable[[CheckedProgram], str]) -> tuple[int, str]:
    """Check ``file`` and render its compiled mission; returns (exit code, text)."""
    problems = missing_files([file])
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_USAGE, ""
    report, program = _runnable(file)
    _report(report)
    if program is None:
        return EXIT_ERRORS, ""
    try:
        return EXIT_OK, render(program)
    except (CompileError, RecursionError) as exc:
        print(f"mission: error: cannot compile {file}: {exc or 'nested too deeply'}",
              file=sys.stderr)
        return EXIT_ERRORS, ""


def show(args: argparse.Namespace) -> int:
    """``mission show FILE``: the compiled behaviour tree as text."""
    code, text = _render(args.file, lambda program: render_tree(compile_mission(program).root))
    sys.stdout.write(text)
    return code


def _export(program: CheckedProgram, fmt: str) -> str:
    if fmt == "btcpp-xml":
        return to_btcpp_xml(program)
    compiled = compile_mission(program)
    return to_json(compiled) if fmt == "json" else to_dot(compiled.root, compiled.name)


def compile_(args: argparse.Namespace) -> int:
    """``mission compile FILE --format json|dot|btcpp-xml [-o OUT]``."""
    code, text = _render(args.file, lambda program: _export(program, args.format))
    if code != EXIT_OK:
        return code
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as out:
                out.write(text)
        except OSError as exc:
            print(f"mission: error: cannot write {args.output}: {exc.strerror or exc}",
                  file=sys.stderr)
            return EXIT_USAGE
    else:
        sys.stdout.write(text)
    return EXIT_OK
