"""Docs that work: the README's commands run as written, the examples pass, every route and every
setting is documented where the README says, and no page cites a file the repository lacks."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockpost.flags import setting_flags
from mockpost.testing import Mockpost

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
BIN = Path(sys.executable).parent


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under a `## heading`, up to the next `## `."""
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


# -- the README is a front door -------------------------------------------------------------------
def test_readme_is_a_short_front_door() -> None:
    assert len(text_of(README).splitlines()) <= 150


def test_readme_setup_run_and_test_commands_are_the_ones_ci_runs() -> None:
    readme = text_of(README)
    setup, run = (
        line.split("#")[0].strip()
        for line in code_blocks(section(readme, "Quick start"), "bash")[0].splitlines()
    )
    assert (setup, run) == ("pip install -e '.[test]'", "mockpost serve")
    assert code_blocks(section(readme, "Tests"), "bash") == ["pytest\n"]
    script = text_of(ROOT / ".ci" / "run").splitlines()
    assert setup in script
    assert "pytest || status=$?" in script  # plain pytest, as a developer types it
    assert "mypy" in script
    assert not any("python -m pytest" in line for line in script if not line.lstrip().startswith("#"))


def test_plain_pytest_imports_the_repository_packages() -> None:
    # `-P`: like the `pytest` script and unlike `python -m pytest`, the working directory is not put
    # on sys.path, so the tests must find `benchmarks` (a package of the repository) on their own.
    result = subprocess.run(
        [sys.executable, "-P", "-m", "pytest", "--collect-only", "-q", "tests/test_benchmarks_smoke.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, str]]:
    """`mockpost serve` as the README types it (the port from MOCKPOST_PORT): (its URL, its banner)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "MOCKPOST_PORT": str(port), "MOCKPOST_LOG_LEVEL": "warning"}
    env.pop("MOCKPOST_SEED", None)
    process = subprocess.Popen(
        [str(BIN / "mockpost"), "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    banner = []
    while not banner or not banner[-1].startswith("  accounts:"):
        line = process.stdout.readline()
        assert line, "mockpost serve ended before its banner"
        banner.append(line.rstrip("\n"))
    try:
        yield f"127.0.0.1:{port}", "\n".join(banner)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_readme_banner_is_what_mockpost_serve_prints(served: tuple[str, str]) -> None:
    address, banner = served
    shown = code_blocks(section(text_of(README), "Quick start"), "text")[0].rstrip("\n")
    assert shown.replace("127.0.0.1:8000", address) == banner


@pytest.mark.skipif(
    not (shutil.which("curl") and shutil.which("bash")), reason="the example needs curl and bash"
)
def test_readme_example_runs_verbatim_against_mockpost_serve(served: tuple[str, str]) -> None:
    address, _ = served
    (example,) = code_blocks(section(text_of(README), "Example: a letter through Ekopost"), "bash")
    assert "jq" not in example
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", example.replace("127.0.0.1:8000", address)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "completed"


# -- the pages document what is served ------------------------------------------------------------
def test_testing_page_fixture_example_passes(mockpost: Mockpost) -> None:
    block = next(
        b for b in code_blocks(text_of(DOCS / "testing.md"), "python") if "def test_letter_is_posted" in b
    )
    namespace: dict[str, object] = {}
    exec(compile(block, "docs/testing.md", "exec"), namespace)
    namespace["test_letter_is_posted_and_webhook_signed"](mockpost)  # type: ignore[operator]


def test_control_plane_page_documents_every_control_route(mockpost: Mockpost) -> None:
    text = text_of(DOCS / "control-plane.md")
    for path in mockpost.client().get("/_mockpost/openapi.json").json()["paths"]:
        first = path.split("/")[1]
        assert f"/_mockpost/{first}" in text or first.startswith("{"), path


def test_ekopost_page_documents_every_ekopost_route(mockpost: Mockpost) -> None:
    text = text_of(DOCS / "ekopost.md")
    for path in mockpost.client("ekopost").get("/openapi.json").json()["paths"]:
        documented = path.replace("{type}", "{einbox,ebank,einvoice}").split("?")[0]
        assert documented in text or path.endswith(("/close", "/cancel")), path


def test_configuration_page_lists_every_flag_and_variable() -> None:
    text = text_of(DOCS / "configuration.md")
    for flag in setting_flags():
        assert f"`{flag.flag}" in text and f"`{flag.env}`" in text, flag.field


# -- no page cites what the repository does not have ----------------------------------------------
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
INLINE_CODE = re.compile(r"`([^`\n]+)`")
PATH_LIKE = re.compile(r"[\w.-]+(/[\w.*-]*)+|[\w.-]+\.(md|py|ya?ml|json|toml|txt|gz)")
ROOT_ENTRIES = {entry.name for entry in ROOT.iterdir()}


def anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens."""
    slugs = set()
    for heading in re.findall(r"^#+ (.+)$", text_of(page), flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower())
        slugs.add(slug.replace(" ", "-"))
    return slugs


def prose(page: Path) -> str:
    return re.sub(r"```.*?```", "", text_of(page), flags=re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    for target in LINK.findall(prose(page)):
        if re.match(r"^[a-z]+:", target):
            continue  # http:, https:, mailto:
        file, _, anchor = target.partition("#")
        resolved = (page.parent / file).resolve() if file else page
        assert resolved.exists(), f"{page.name}: link to a missing {target}"
        if anchor and resolved.suffix == ".md":
            assert anchor in anchors(resolved), f"{page.name}: no heading #{anchor} in {resolved.name}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_backticked_repository_path_exists(page: Path) -> None:
    for token in INLINE_CODE.findall(prose(page)):
        if not PATH_LIKE.fullmatch(token) or token.startswith((".../", "../")):
            continue
        first = token.split("/")[0]
        if (
            first not in ROOT_ENTRIES
            and "/" in token
            and not token.endswith((".md", ".py", ".yaml", ".txt", ".json"))
        ):
            continue  # an API path, a MIME type, a header pair: not a file of this repository
        if "/" not in token and first not in ROOT_ENTRIES:
            continue  # a bare file name, named next to the folder it is in
        assert list(ROOT.glob(token.rstrip("/"))), f"{page.name}: `{token}` is not in the repository"
