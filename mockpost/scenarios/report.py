"""Showing results: one line per step with its timing, the diff of a failure, a summary, and
JUnit XML for CI."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TextIO

from mockpost.scenarios.runner import ERROR, FAILED, LISTED, PASSED, SKIPPED, ScenarioResult, StepResult

MARKS = {PASSED: "✓", FAILED: "✗", ERROR: "✗", SKIPPED: "-", LISTED: "→"}


def step_line(step: StepResult) -> str:
    mark = MARKS[step.outcome]
    text = f"  {mark} {step.number:>2} {step.title}"
    if step.detail:
        text += f"  {step.detail}"
    if step.note:
        text += f"  [{step.note}]"
    return text if step.outcome == SKIPPED and not step.seconds else f"{text}  ({_ms(step.seconds)})"


def step_lines(step: StepResult) -> list[str]:
    lines = [step_line(step)]
    if step.outcome in (FAILED, ERROR):
        where = f" (line {step.line})" if step.line else ""
        lines.append(f"       step {step.number}{where} {step.outcome}")
        lines.extend(f"       {line}" for line in step.diff)
    return lines


def scenario_lines(result: ScenarioResult) -> list[str]:
    lines = [f"{result.path}: {result.name}  [{result.target}]"]
    lines.extend(f"  note: {note}" for note in result.notes)
    if result.error is not None:
        lines.append(f"  ✗ {result.error}")
    for step in result.steps:
        lines.extend(step_lines(step))
    return lines


CLEAR_LINE = "\r\x1b[K"


class ConsoleReport:
    """Prints as it goes: a header per scenario (with [n/total] when there are several), each
    step as soon as it finishes, and a summary at the end. Quiet on a terminal, one line that
    rewrites itself shows which scenario of how many is running (a log file gets none of it)."""

    def __init__(self, total: int, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.total = total
        self.stream = stream or sys.stdout
        self.quiet = quiet
        self.index = 0
        self._header = ""
        self._header_shown = False
        self._live = quiet and total > 1 and _is_terminal(self.stream)
        self._progress_shown = False

    def _print(self, text: str) -> None:
        if self._progress_shown:
            self.stream.write(CLEAR_LINE)
            self._progress_shown = False
        print(text, file=self.stream, flush=True)

    def scenario_started(self, path: str, name: str, target: str) -> None:
        self.index += 1
        progress = f"[{self.index}/{self.total}] " if self.total > 1 else ""
        self._header = f"{progress}{path}: {name}  [{target}]"
        self._header_shown = not self.quiet
        if not self.quiet:
            self._print(self._header)
        elif self._live:
            self.stream.write(f"{CLEAR_LINE}{progress}{path}")
            self.stream.flush()
            self._progress_shown = True

    def notes(self, notes: list[str]) -> None:
        if not self.quiet:
            for note in notes:
                self._print(f"  note: {note}")

    def step(self, result: ScenarioResult, step: StepResult) -> None:
        if self.quiet and step.outcome not in (FAILED, ERROR):
            return
        self._show_header()
        for line in step_lines(step):
            self._print(line)

    def scenario_finished(self, result: ScenarioResult) -> None:
        if result.error is not None:
            self._show_header()
            self._print(f"  ✗ {result.error}")
        elif not self.quiet:
            listed = any(step.outcome == LISTED for step in result.steps)
            verdict = "listed" if result.passed and listed else "passed" if result.passed else "FAILED"
            self._print(f"  {verdict} in {_ms(result.seconds)}")

    def _show_header(self) -> None:
        if not self._header_shown:
            self._print(self._header)
            self._header_shown = True

    def load_error(self, path: str, message: str) -> None:
        self._print(f"✗ {message}" if message.startswith(path) else f"✗ {path}: {message}")

    def summary(self, results: list[ScenarioResult], load_errors: int, seconds: float) -> None:
        listed = sum(1 for r in results if r.passed and any(s.outcome == LISTED for s in r.steps))
        passed = sum(1 for r in results if r.passed) - listed
        failed = len(results) - passed - listed
        parts = [f"{passed} passed"] if passed or not listed else []
        if listed:
            parts.append(f"{listed} listed (dry run)")
        if failed:
            parts.append(f"{failed} failed")
        if load_errors:
            parts.append(f"{load_errors} invalid")
        self._print(f"{', '.join(parts)} in {seconds:.2f}s")


def write_junit(
    path: Path, results: list[ScenarioResult], load_errors: list[tuple[str, str]], seconds: float
) -> None:
    """One <testcase> per scenario; its steps are in <system-out>, the failing step's diff in
    <failure>; files that could not be loaded are <error>s."""
    failures = sum(1 for r in results if not r.passed and r.error is None)
    errors = sum(1 for r in results if r.error is not None) + len(load_errors)
    suites = ET.Element("testsuites")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="mockpost scenarios",
        tests=str(len(results) + len(load_errors)),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time=f"{seconds:.3f}",
    )
    for result in results:
        case = ET.SubElement(
            suite, "testcase", classname=result.path, name=result.name, time=f"{result.seconds:.3f}"
        )
        failed = result.failed_step
        if result.error is not None:
            ET.SubElement(case, "error", message=result.error).text = result.error
        elif failed is not None:
            message = f"step {failed.number} ({failed.title}): {failed.detail}"
            ET.SubElement(case, "failure", message=message).text = "\n".join(step_lines(failed))
        ET.SubElement(case, "system-out").text = "\n".join(scenario_lines(result))
    for file, message in load_errors:
        case = ET.SubElement(suite, "testcase", classname=file, name=file, time="0")
        ET.SubElement(case, "error", message=message.splitlines()[0]).text = message
    ET.indent(suites)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream: no live line
        return False


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"
