"""The command line as a user meets it: a mistake is one or two lines naming the flag, variable,
file or line to fix, and exit code 2 — never a traceback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mockpost import __version__
from mockpost.app import create_app
from mockpost.cli import build_parser, main
from mockpost.config import Settings
from mockpost.server import Server

MOCKPOST = [sys.executable, "-m", "mockpost"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MOCKPOST, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def assert_short_refusal(stderr: str, *expected: str) -> None:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, stderr
    for text in expected:
        assert text in stderr, stderr


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in os.environ:
        if name.upper().startswith("MOCKPOST_"):
            monkeypatch.delenv(name)


def test_a_port_in_use_names_the_flag_and_exits_2(busy_port: int) -> None:
    result = run_cli("serve", "--port", str(busy_port))
    assert result.returncode == 2
    assert_short_refusal(result.stderr, f"--port {busy_port}", "already in use")


def test_a_port_in_use_from_the_environment_names_the_variable(busy_port: int) -> None:
    result = run_cli("serve", env={"MOCKPOST_PORT": str(busy_port)})
    assert result.returncode == 2
    assert_short_refusal(result.stderr, f"MOCKPOST_PORT={busy_port}", "already in use")


def test_an_unknown_host_names_the_flag_and_exits_2() -> None:
    result = run_cli("serve", "--port", "0", "--host", "no-such-host.invalid")
    assert result.returncode == 2
    assert_short_refusal(result.stderr, "--host no-such-host.invalid", "no such host")


@pytest.mark.usefixtures("clean_environment")
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--port", "99999"], "--port 99999: must be at most 65535"),
        (["--port", "abc"], "--port abc: not a whole number"),
        (["--seed", "x"], "--seed x: not a whole number"),
        (["--journal-size", "0"], "--journal-size 0: must be at least 1"),
        (["--freeze-at", "yesterday"], "--freeze-at yesterday: not an ISO-8601 instant"),
        (["--public-url", "mockpost:8000"], "--public-url mockpost:8000: not an http(s) URL"),
        (
            ["--cors-origin", "localhost:3000"],
            "--cors-origin localhost:3000: 'localhost:3000' is not an origin",
        ),
        (["--option", "print_after"], "--option print_after: expected PROVIDER.KEY=VALUE"),
        (["--option", "ekopost.print_after=soon"], "--option: ekopost: cannot read duration 'soon'"),
        (["--option", "fedex.x=1"], "--option: unknown provider 'fedex'"),
    ],
)
def test_a_bad_flag_value_is_one_line_naming_the_flag(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    assert main(["serve", *args]) == 2
    assert_short_refusal(capsys.readouterr().err, expected)


@pytest.mark.usefixtures("clean_environment")
@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("MOCKPOST_PORT", "abc", "MOCKPOST_PORT=abc: not a whole number"),
        ("MOCKPOST_PORT", "99999", "MOCKPOST_PORT=99999: must be at most 65535"),
        ("MOCKPOST_ACCESS_LOG", "maybe", "MOCKPOST_ACCESS_LOG=maybe: not a yes/no value"),
        ("MOCKPOST_LOG_FORMAT", "xml", "MOCKPOST_LOG_FORMAT=xml: must be one of 'text' or 'json'"),
        ("MOCKPOST_OPTIONS", "{print_after", "MOCKPOST_OPTIONS: not JSON"),
    ],
)
def test_a_bad_environment_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    expected: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["serve"]) == 2
    assert_short_refusal(capsys.readouterr().err, expected)


def test_an_unknown_choice_or_flag_is_two_lines_without_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--log-level", "loud"])
    assert exit_.value.code == 2
    assert_short_refusal(capsys.readouterr().err, "--log-level", "'loud'", "mockpost serve --help")


@pytest.mark.usefixtures("clean_environment")
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, ": cannot read the file"),
        ("ekopost:\n  accounts:\n    - api_key: [\n", ":4: not valid YAML"),
        (
            "# demo data\nekopost:\n  accounts:\n    - api_key: demo\n"
            "      campaigns:\n        - {name: x, state: flying}\n",
            ":2: ekopost: no way from 'opened' to 'flying'",
        ),
    ],
    ids=["missing", "not-yaml", "refused-by-the-provider"],
)
def test_a_fixtures_file_mistake_names_the_flag_the_file_and_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, expected: str
) -> None:
    fixtures = tmp_path / "demo.yaml"
    if content is not None:
        fixtures.write_text(content)
    assert main(["serve", "--fixtures", str(fixtures)]) == 2
    assert_short_refusal(capsys.readouterr().err, f"--fixtures: {fixtures}{expected}")


@pytest.mark.usefixtures("clean_environment")
def test_a_bad_accounts_entry_names_the_variable_file_and_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text("ekopost:\n  - api_key: a\n  - just a string\n")
    monkeypatch.setenv("MOCKPOST_ACCOUNTS", str(accounts))
    assert main(["serve"]) == 2
    assert_short_refusal(
        capsys.readouterr().err, f"MOCKPOST_ACCOUNTS: {accounts}:3: ekopost[1]: expected a mapping"
    )


def test_a_closed_output_pipe_ends_quietly_with_exit_2() -> None:
    # `mockpost openapi afosto | head -c 100`: the reader leaves long before the document ends
    process = subprocess.Popen(
        [*MOCKPOST, "openapi", "afosto"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100)
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 2
    assert_short_refusal(stderr, "broken pipe")


def test_version_flag_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"mockpost {__version__}"


def test_serve_help_names_the_environment_variable_of_every_flag() -> None:
    serve = next(
        parser
        for action in build_parser()._subparsers._group_actions  # type: ignore[union-attr]
        for name, parser in action.choices.items()  # type: ignore[union-attr]
        if name == "serve"
    )
    flags = [action for action in serve._actions if action.option_strings and action.dest != "help"]
    assert len(flags) == len(Settings.model_fields)
    for action in flags:
        assert action.help and "[MOCKPOST_" in action.help and "default:" in action.help, (
            action.option_strings
        )


def test_serve_help_lists_the_variable_of_every_setting() -> None:
    serve_help = run_cli("serve", "--help").stdout
    for name in Settings.model_fields:
        assert f"MOCKPOST_{name.upper()}" in serve_help, name


def test_banner_prints_the_console_url() -> None:
    settings = Settings(port=0)
    server = Server(create_app(settings), settings)
    try:
        banner = server.banner()
    finally:
        server.sock.close()
    console = next(line for line in banner.splitlines() if "console" in line)
    assert console.split()[-1] == f"http://127.0.0.1:{server.port}/"


def test_json_log_format_writes_one_json_object_per_line() -> None:
    process = subprocess.Popen(
        [*MOCKPOST, "serve", "--port", "0", "--log-format", "json", "--access-log"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MOCKPOST_LOG_LEVEL": "info"},
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        started = json.loads(process.stderr.readline())
        assert started["logger"] == "mockpost" and started["level"] == "info"
        base = started["urls"]["control plane"]
        assert started["urls"]["console"] == base.removesuffix("_mockpost")
        # the socket listens before the banner: the request waits in its backlog for uvicorn
        assert httpx.get(f"{base}/health", timeout=30).status_code == 200
        access = json.loads(process.stdout.readline())
    finally:
        process.terminate()
        stderr_rest = process.communicate(timeout=30)[1]
    assert access["logger"] == "uvicorn.access"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/_mockpost/health", 200)
    for line in stderr_rest.splitlines():
        assert {"time", "level", "logger", "message"} <= json.loads(line).keys(), line


def test_a_mistake_in_a_credential_setting_does_not_print_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockpost import flags

    token = flags.SettingFlag(
        "control_token", "--control-token", "MOCKPOST_CONTROL_TOKEN", "value", None, (), ""
    )
    known = flags._flag_for
    monkeypatch.setattr(flags, "_flag_for", lambda field: token if field == "control_token" else known(field))
    assert flags.named("control_token", {"control_token"}, "s3cret") == "--control-token ***"
    assert flags.named("port", {"port"}, 8000) == "--port 8000"
