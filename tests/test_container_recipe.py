"""The Testcontainers recipe, without a container engine: what MockpostContainer asks Docker for
(image, port, environment, mounts, readiness) and that its handle drives a mockpost at the
container's address (here a `mockpost serve` stands in for the container). Starting a real
container needs Docker and is not done here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_support import served
from testcontainers.core import container as testcontainers_container
from testcontainers.core.wait_strategies import HttpWaitStrategy

from mockpost.remote import RemoteMockpost
from mockpost.testing.container import MockpostContainer

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "container-token"


class NoDocker:
    """Stands in for testcontainers' Docker client: constructing a container needs none."""

    def __init__(self, **kwargs: object) -> None:
        pass


@pytest.fixture(autouse=True)
def no_docker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(testcontainers_container, "DockerClient", NoDocker)


def test_the_container_is_configured_by_mockpost_variables_and_mounts() -> None:
    fixtures = ROOT / "fixtures" / "ekopost-demo.yaml"
    container = MockpostContainer(
        "mockpost:test", seed=7, control_token=TOKEN, fixtures=[fixtures], settings={"journal_size": 50}
    )
    assert container.image.endswith("mockpost:test")
    assert list(container.ports) == ["8000"]
    assert container.env == {
        "MOCKPOST_SEED": "7",
        "MOCKPOST_CONTROL_TOKEN": TOKEN,
        "MOCKPOST_JOURNAL_SIZE": "50",
        "MOCKPOST_FIXTURES": "/fixtures/0-ekopost-demo.yaml",
    }
    assert container.volumes == {str(fixtures): {"bind": "/fixtures/0-ekopost-demo.yaml", "mode": "ro"}}
    wait = container._wait_strategy
    assert isinstance(wait, HttpWaitStrategy) and (wait._port, wait._path) == (8000, "/_mockpost/health")


def test_a_container_without_settings_sets_no_variables() -> None:
    assert MockpostContainer().env == {}


@pytest.fixture(scope="module")
def served_url() -> Iterator[str]:
    with served("--control-token", TOKEN) as url:
        yield url


def test_the_handle_drives_the_mockpost_at_the_containers_address(
    monkeypatch: pytest.MonkeyPatch, served_url: str
) -> None:
    host, port = served_url.removeprefix("http://").split(":")
    container = MockpostContainer(control_token=TOKEN)
    monkeypatch.setattr(container, "get_container_host_ip", lambda: host)
    monkeypatch.setattr(container, "get_exposed_port", lambda inside: int(port) if inside == 8000 else None)
    assert container.get_url() == served_url
    with container.handle() as mock:
        assert isinstance(mock, RemoteMockpost)
        assert mock.url() == served_url
        assert mock.inbox_url("h") == "http://127.0.0.1:8000/_mockpost/inbox/h"  # the container's own
        assert mock.clock.freeze("2030-03-04T09:00:00Z").year == 2030  # with the control token
        eko = mock.client("ekopost", headers={"Authorization": "api-key k"})
        assert eko.post("/campaigns", json={"name": "in a container"}).status_code == 200
        assert mock.accounts("ekopost")[0]["objects"]["campaign"] == 1
