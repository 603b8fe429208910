"""mockpost in a container, for testcontainers-python (`pip install 'mockpost[container]'`).

    from mockpost.testing.container import MockpostContainer

    with MockpostContainer(seed=7, fixtures=["fixtures/ekopost-demo.yaml"]) as container:
        mock = container.handle()          # the in-process handle's API, over HTTP
        mock.clock.freeze("2030-03-04T09:00:00Z")
        eko = mock.client("ekopost", headers={"Authorization": "api-key demo"})

The image is the one this repository's Dockerfile builds (`docker build -t mockpost .`); it
listens on port 8000 and is ready once `/_mockpost/health` answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import HttpWaitStrategy

from mockpost.config import env_name
from mockpost.remote import RemoteMockpost

PORT = 8000  # the image's MOCKPOST_PORT
HEALTH = "/_mockpost/health"
FIXTURES_DIR = "/fixtures"  # where fixtures files are mounted, read-only


class MockpostContainer(DockerContainer):
    """The mockpost image as a test container. Settings are `MOCKPOST_*` variables (`seed=7`,
    `control_token=...`, any other setting as `settings={"journal_size": 100}`); fixtures files
    are mounted read-only and loaded at start."""

    def __init__(
        self,
        image: str = "mockpost:latest",
        *,
        seed: int | None = None,
        control_token: str | None = None,
        fixtures: Iterable[str | Path] = (),
        settings: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(image, **kwargs)
        self.control_token = control_token
        self.with_exposed_ports(PORT)
        self.waiting_for(HttpWaitStrategy(PORT, HEALTH).for_status_code(200))
        given: dict[str, Any] = {"seed": seed, "control_token": control_token, **(settings or {})}
        mounted = []
        for index, path in enumerate(Path(p).resolve() for p in fixtures):
            inside = f"{FIXTURES_DIR}/{index}-{path.name}"
            self.with_volume_mapping(str(path), inside, "ro")
            mounted.append(inside)
        if mounted:
            given["fixtures"] = ",".join(mounted)
        for name, value in given.items():
            if value is not None:
                self.with_env(env_name(name), _env_value(value))

    def get_url(self) -> str:
        """Where the tests reach the container: its host and mapped port."""
        return f"http://{self.get_container_host_ip()}:{self.get_exposed_port(PORT)}"

    def handle(self) -> RemoteMockpost:
        """A handle on the running container, with the in-process handle's API. Its inbox URLs
        are the container's own address, so webhooks to them stay inside the sandbox."""
        return RemoteMockpost(
            self.get_url(), control_token=self.control_token, self_url=f"http://127.0.0.1:{PORT}"
        )


def _env_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        import json

        return json.dumps(value)
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    return str(value)
