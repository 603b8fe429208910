"""Create -> read -> update -> list -> search -> delete, for every catalog resource that has those routes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from afosto_support import Walker, valid

from mockpost.providers.afosto.catalog import SOFT_DELETE, load_catalog
from mockpost.testing import Mockpost

CATALOG = load_catalog()
CANCELLING_DELETES = {("DELETE", "/lcs/shipments/{id}"): "is_canceled"}  # documented as "cancel"
RESOURCES = sorted(
    name
    for name, ops in CATALOG.collections.items()
    if {"create", "read", "list"} <= set(ops) and name != "/spl/queue"
)


@pytest.fixture(scope="module")
def shared_mock() -> Iterator[Mockpost]:
    """One sandbox for the module: each case uses its own token, so its own tenant."""
    with Mockpost(seed=1) as mock:
        yield mock


def test_most_documented_resources_round_trip() -> None:
    assert len(RESOURCES) >= 30


@pytest.mark.parametrize("collection", RESOURCES)
def test_resource_round_trip(shared_mock: Mockpost, collection: str) -> None:
    client = shared_mock.client("afosto", headers={"Authorization": f"Bearer round-trip{collection}"})
    walker = Walker(shared_mock, client)
    ops = CATALOG.collections[collection]
    field = walker.engine.key_field(collection)
    create = ops["create"]
    base, parents = walker.fill_path(create)
    created = client.post(base, json=walker.body_for(create))
    assert created.status_code == create.success, created.text
    body = created.json()
    item = body[0] if isinstance(body, list) else body
    key = str(item[field])
    item_path = walker.path_with(ops["read"], [*parents, key])

    read = client.get(item_path)
    assert read.status_code == 200
    read_item = read.json()[0] if isinstance(read.json(), list) else read.json()
    assert str(read_item[field]) == key

    if "update" in ops:
        change = {k: v for k, v in valid(ops["update"].request or {}).items() if k != field}
        updated = client.put(item_path, json=change)
        assert updated.status_code == ops["update"].success, updated.text
        again = client.get(item_path).json()
        again = again[0] if isinstance(again, list) else again
        for name, value in change.items():
            if isinstance(value, str):
                assert again[name] == value, name

    listed = client.get(base)
    assert listed.status_code == 200
    assert key in [str(i[field]) for i in listed.json()]
    assert listed.headers["x-count"] == str(len(listed.json()))

    if "search" in ops and isinstance(ops["search"].success_example, list):
        search_path = walker.path_with(ops["search"], list(parents))
        constraint = {"key": f"{field}s", "operator": "in", "values": [key]}
        found = client.post(search_path, json={"constraints": [constraint]})
        assert found.status_code == 200, found.text
        assert [str(i[field]) for i in found.json()] == [key]

    if "delete" in ops:
        delete = ops["delete"]
        gone = client.delete(item_path)
        assert gone.status_code == delete.success, gone.text
        after = client.get(item_path)
        if delete.key in SOFT_DELETE:
            assert after.status_code == 200 and after.json()["deleted_at"]
        elif delete.key in CANCELLING_DELETES:
            assert after.status_code == 200 and after.json()[CANCELLING_DELETES[delete.key]] is True
        else:
            assert after.status_code == 404
            assert after.json()["code"] == 404
