"""What a client writes, it reads back: every documented create is readable at its item route and
listed in its collection, and every documented item update shows in the next read."""

from __future__ import annotations

from typing import Any

from afosto_seed import load
from afosto_walk import Walker, _key_of

from mockpost.testing import Mockpost

ENDPOINTS = load()
BY_PAIR = {(e["method"], e["path"]): e for e in ENDPOINTS}


def _walker(mockpost: Mockpost) -> Walker:
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    return Walker(
        ENDPOINTS, lambda token: mockpost.client("afosto", headers={"Authorization": f"Bearer {token}"})
    )


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _differences(sent: Any, stored: Any) -> list[tuple[str, Any, Any]]:
    """Top-level scalar fields sent that the stored object shows otherwise (moments may be rewritten
    in another notation of the same instant)."""
    if not isinstance(sent, dict) or not isinstance(stored, dict):
        return []
    return [
        (key, value, stored[key])
        for key, value in sent.items()
        if not isinstance(value, dict | list)
        and key in stored
        and stored[key] != value
        and not key.endswith("_at")
    ]


def _creates() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(create, read) pairs: `POST /x` (not a search) and `GET /x/{key}`."""
    pairs = []
    for read in ENDPOINTS:
        parent, _, last = read["path"].rpartition("/")
        create = BY_PAIR.get(("POST", parent))
        if create is None or not isinstance(create["request"], dict) or "search" in create["title"].lower():
            continue
        if read["method"] == "GET" and last.startswith("{"):
            pairs.append((create, read))
    return pairs


def test_every_created_object_reads_back_and_is_listed(mockpost: Mockpost) -> None:
    walker = _walker(mockpost)
    pairs = _creates()
    assert len(pairs) > 40
    failures = []
    for create, read in pairs:
        account = walker.account()
        concrete, sent, made = account.send(create)
        key = _key_of(made, read["path"].rsplit("/", 1)[1][1:-1])
        if made.status_code != create["success"] or key is None:
            failures.append(f"POST {create['path']}: {made.status_code} {made.text[:200]}")
            continue
        again = account.call("GET", f"{concrete}/{key}")
        if again.status_code != 200:
            failures.append(f"GET {read['path']}: {again.status_code} {again.text[:200]}")
            continue
        changed = _differences(sent, _first(again.json()))
        if changed:
            failures.append(f"GET {read['path']} shows other values than created: {changed[:3]}")
        listing = BY_PAIR.get(("GET", create["path"]))
        if listing and listing["shape"]["type"] == "array":
            listed = account.call("GET", concrete).json()
            if key not in {str(_key_of_item(item, read["path"])) for item in listed}:
                failures.append(f"GET {create['path']} does not list {key}")
    assert not failures, "\n".join(failures)


def _key_of_item(item: dict[str, Any], read_path: str) -> Any:
    param = read_path.rsplit("/", 1)[1][1:-1]
    return item.get(param, item.get("id"))


def test_every_item_update_shows_in_the_next_read(mockpost: Mockpost) -> None:
    walker = _walker(mockpost)
    failures = []
    checked = 0
    for update in ENDPOINTS:
        if update["method"] != "PUT" or not isinstance(update["request"], dict):
            continue
        if not update["path"].endswith("}") or ("GET", update["path"]) not in BY_PAIR:
            continue
        checked += 1
        account = walker.account()
        concrete, sent, answer = account.send(update)
        if answer.status_code != update["success"]:
            failures.append(f"PUT {update['path']}: {answer.status_code} {answer.text[:200]}")
            continue
        changed = _differences(sent, _first(account.call("GET", concrete).json()))
        if changed:
            failures.append(f"GET {update['path']} does not show the update: {changed[:3]}")
    assert checked > 20
    assert not failures, "\n".join(failures)
