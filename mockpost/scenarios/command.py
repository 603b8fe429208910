"""`mockpost run FILE|DIR ...`: load, run, report; the exit code says how it went (for CI).

Exit codes: 0 every scenario passed; 1 a scenario failed; 2 a file is not a valid scenario, no
scenario was found (a wrong path must not pass in CI), or the command line is wrong.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from mockpost.scenarios.loader import LoadedScenario
    from mockpost.scenarios.runner import ScenarioResult
    from mockpost.scenarios.targets import Target

EXIT_PASSED, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="FILE|DIR", help="scenario files, or folders of them")
    parser.add_argument(
        "--target",
        action="append",
        metavar="URL|PROVIDER=URL",
        help="a running mockpost (URL), or a real provider sandbox (PROVIDER=URL, repeatable); "
        "default: in-process",
    )
    parser.add_argument(
        "--no-reset",
        action="store_true",
        help="with --target URL: keep the server's state (by default it is reset before each "
        "scenario); each scenario's world is loaded on top and its clock: is not applied",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="list the requests for a real sandbox, send nothing"
    )
    parser.add_argument(
        "--control-token",
        metavar="TOKEN",
        help="the control token of the mockpost at --target URL (default: MOCKPOST_CONTROL_TOKEN)",
    )
    parser.add_argument("--junit", metavar="FILE", type=Path, help="write JUnit XML here")
    parser.add_argument(
        "-k", dest="keyword", metavar="TEXT", help="only scenarios whose name or file contains TEXT"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")


def run_command(args: argparse.Namespace, stream: TextIO | None = None) -> int:
    # imported here: building the CLI parser must not load the whole sandbox
    from mockpost.scenarios.loader import discover, load_file
    from mockpost.scenarios.report import ConsoleReport, write_junit
    from mockpost.scenarios.runner import Runner
    from mockpost.scenarios.schema import DECLARATION
    from mockpost.scenarios.targets import parse_targets
    from mockpost.scenarios.yamlsource import ScenarioError

    out = stream or sys.stdout
    try:
        target = parse_targets(
            args.target,
            dry_run=args.dry_run,
            control_token=getattr(args, "control_token", None),
            reset=not args.no_reset,
        )
    except ValueError as exc:
        print(f"mockpost run: {exc}", file=sys.stderr)
        return EXIT_INVALID
    started = time.perf_counter()
    found = discover(args.paths)
    files = found.files
    missing = [path for path in files if not path.is_file()]
    if missing:
        print(f"mockpost run: no such file {missing[0]}", file=sys.stderr)
        return EXIT_INVALID
    for path in found.undeclared:
        print(
            f"mockpost run: warning: {path} does not declare itself a scenario (no top-level line "
            f"'{DECLARATION}'); running it because it was named, but pytest and `mockpost run DIR` "
            "skip it: add the line",
            file=sys.stderr,
        )
    if found.skipped:
        shown = ", ".join(map(str, found.skipped[:5])) + (", ..." if len(found.skipped) > 5 else "")
        print(
            f"mockpost run: skipped {len(found.skipped)} YAML file(s) without a top-level line "
            f"'{DECLARATION}' (not scenarios): {shown}",
            file=sys.stderr,
        )
    if not files:
        print(
            f"mockpost run: no scenario files in {' '.join(args.paths)}: a scenario is a .yaml or .yml "
            f"file with a top-level line '{DECLARATION}' (folders named fixtures, files or data are "
            "never searched)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    loaded: list[LoadedScenario] = []
    load_errors: list[tuple[str, str]] = []
    for path in files:
        try:
            scenario = load_file(path)
        except ScenarioError as exc:
            load_errors.append((str(path), str(exc)))
            continue
        if args.keyword and args.keyword.lower() not in f"{path} {scenario.scenario.name}".lower():
            continue
        loaded.append(scenario)
    if not loaded and not load_errors:
        print(
            f"mockpost run: -k {args.keyword!r} selects none of the {len(files)} scenario(s) found",
            file=sys.stderr,
        )
        return EXIT_INVALID
    report = ConsoleReport(len(loaded), out, quiet=args.quiet)
    for file, message in load_errors:
        report.load_error(file, message)
    for line in target.announce() if loaded else []:
        print(f"mockpost run: {line}", file=sys.stderr)
    results: list[ScenarioResult] = []
    try:
        for item in loaded:
            report.scenario_started(str(item.path), item.scenario.name, target.description)
            result = Runner(target, on_step=report.step, on_notes=report.notes).run(item)
            report.scenario_finished(result)
            results.append(result)
    finally:
        _restore(target)
        target.close()
    seconds = time.perf_counter() - started
    report.summary(results, len(load_errors), seconds)
    if args.junit is not None:
        write_junit(args.junit, results, load_errors, seconds)
    if load_errors:
        return EXIT_INVALID
    return EXIT_PASSED if all(result.passed for result in results) else EXIT_FAILED


def _restore(target: Target) -> None:
    """Put back what the run changed on the target beyond the scenarios' state, and say what."""
    import httpx

    from mockpost.scenarios.targets import NotAvailable

    try:
        done = target.restore()
    except (NotAvailable, httpx.HTTPError) as exc:
        print(f"mockpost run: could not restore the target after the run: {exc}", file=sys.stderr)
        return
    for line in done:
        print(f"mockpost run: {line}", file=sys.stderr)
