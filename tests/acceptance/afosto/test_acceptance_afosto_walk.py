"""Every documented Afosto endpoint answers a well-formed request as documented.

One test per unique documented method + path (ids like `GET /odr/orders/{id}`): the walk builds what
the path names in a fresh account, sends the documented example request (placeholders filled with
values of their type) and checks the documented success status, the top-level JSON type and keys,
the documented response headers, and that no type placeholder leaks into the answer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from afosto_seed import load
from afosto_walk import Walker

from mockpost.testing import Mockpost

ENDPOINTS = load()
START = "2030-03-04T09:00:00Z"


@pytest.fixture(scope="module")
def walker() -> Iterator[Walker]:
    with Mockpost() as sandbox:
        sandbox.clock.freeze(START)

        def client(token: str) -> object:
            return sandbox.client("afosto", headers={"Authorization": f"Bearer {token}"})

        yield Walker(ENDPOINTS, client)  # type: ignore[arg-type]


def test_the_walk_covers_every_unique_documented_pair() -> None:
    pairs = {(e["method"], e["path"]) for e in ENDPOINTS}
    assert len(ENDPOINTS) == len(pairs) == 544
    assert {e["path"].split("/")[1] for e in ENDPOINTS} == {
        "odr",
        "cnt",
        "iam",
        "wms",
        "lcs",
        "mes",
        "rel",
        "cat",
        "spl",
        "tpl",
        "int",
        "qcq",
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[f"{e['method']} {e['path']}" for e in ENDPOINTS])
def test_documented_endpoint_answers_its_documented_success(walker: Walker, endpoint: dict) -> None:
    outcome = walker.run(endpoint)
    assert not outcome.problems, "\n".join(outcome.problems)
    if outcome.needs_prior_object:
        pytest.skip(f"needs a prior object: {outcome.needs_prior_object} (unknown id answers 404)")
