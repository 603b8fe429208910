"""pytest plugin (entry point `pytest11`): the `mockpost` and `mockpost_server` fixtures.

`mockpost`: a fresh in-process sandbox per test (no sockets). `mockpost_server`: one real server
per test session on a free port (`.url`, and `.handle` to drive it), reset before each test that
uses it. Settings come from `@pytest.mark.mockpost(seed=7, ...)` on the test, else the defaults.
`@pytest.mark.mockpost_intercept(hosts=..., passthrough=...)` runs the whole test inside
`mockpost.intercept()`: the providers' real hosts reach the test's in-process sandbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mockpost.inprocess import Mockpost
from mockpost.testing.live import LiveServer


def pytest_addoption(parser: pytest.Parser) -> None:
    from mockpost.testing.scenario_items import add_ini_option

    add_ini_option(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mockpost(**settings): settings for the mockpost fixtures (seed, ...)")
    config.addinivalue_line("markers", "scenario: a YAML scenario ('mockpost: 1' below scenarios/)")
    config.addinivalue_line(
        "markers",
        "mockpost_intercept(hosts=None, passthrough=()): the providers' real hosts reach the test's "
        "in-process sandbox (the mockpost fixture) for the whole test",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Declared scenario files below `scenarios/` (or the folders of the ini option
    `mockpost_scenarios`) become test items (see mockpost.testing.scenario_items)."""
    from mockpost.testing.scenario_items import collect_file

    return collect_file(file_path, parent)


@pytest.fixture
def mockpost(request: pytest.FixtureRequest) -> Iterator[Mockpost]:
    marker = request.node.get_closest_marker("mockpost")
    handle = Mockpost(**(marker.kwargs if marker else {}))
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture(autouse=True)
def _mockpost_intercept(request: pytest.FixtureRequest) -> Iterator[None]:
    marker = request.node.get_closest_marker("mockpost_intercept")
    if marker is None:
        yield
        return
    handle: Mockpost = request.getfixturevalue("mockpost")
    with handle.intercept(*marker.args, **marker.kwargs):
        yield


@pytest.fixture(scope="session")
def _mockpost_live_server() -> Iterator[LiveServer]:
    with LiveServer() as server:
        yield server


@pytest.fixture
def mockpost_server(_mockpost_live_server: LiveServer) -> LiveServer:
    _mockpost_live_server.sandbox.reset()
    return _mockpost_live_server
