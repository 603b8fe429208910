"""The generic state codec: any tree of plain-data dataclasses to JSON and back, unchanged; what it
cannot give back unchanged is refused up front, naming the field."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pytest

from mockpost.core.clock import Clock
from mockpost.core.codec import Codec, CodecError, Unsavable
from mockpost.core.faults import FaultRule, Faults, FaultSpec
from mockpost.core.ids import Ids, rng_state, set_rng_state
from mockpost.core.paging import KeysetIndex
from mockpost.core.resources import Change, Stateful
from mockpost.core.scheduler import Timer
from mockpost.core.tenancy import Tenancy


@dataclass(slots=True)
class Part:
    name: str
    data: bytes
    at: datetime


@dataclass(slots=True, kw_only=True)
class Letter(Stateful):
    id: str
    parts: tuple[Part, ...] = ()
    tags: set[str] = field(default_factory=set)
    wait: timedelta = timedelta(hours=2)
    extra: dict[str, Any] = field(default_factory=dict)
    kind: Literal["letter", "parcel"] = "letter"


@dataclass
class Account:
    tenant: str
    letters: dict[str, Letter] = field(default_factory=dict)
    by_number: dict[int, str] = field(default_factory=dict)
    index: KeysetIndex = field(default_factory=KeysetIndex)
    order: list[tuple[float, int, str]] = field(default_factory=list)
    sequence: int = 0


T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def test_an_account_comes_back_equal_field_by_field():
    account = Account("t1", sequence=7)
    account.letters["l1"] = Letter(
        id="l1",
        state="closed",
        created_at=T0,
        updated_at=T0 + timedelta(seconds=1),
        history=[Change(None, "opened", T0, "request"), Change("opened", "closed", T0, "forced", "why")],
        parts=(Part("doc", b"\x00\xff%PDF", T0),),
        tags={"a", "b"},
        extra={"nested": [1, "two", None]},
    )
    account.by_number[42] = "l1"
    account.index.add("l1", T0)
    account.index.add("l0", T0 - timedelta(days=1))
    account.index.remove("l0")
    account.order.append((T0.timestamp(), 1, "l1"))
    codec = Codec(Account)
    back = codec.load(codec.dump(account))
    assert back.letters == account.letters and back.by_number == {42: "l1"}
    assert (back.tenant, back.order, back.sequence) == ("t1", account.order, 7)
    assert back.index.page(10) == ["l1"] and back.index.value_of("l1") == T0
    assert back.index.page(10, after="l0") == ["l1"]  # a tombstone still works as a cursor
    assert isinstance(back.letters["l1"].parts, tuple) and isinstance(back.letters["l1"].tags, set)


@pytest.mark.parametrize(
    ("cls", "where"),
    [
        (
            dataclass(type("WithTimer", (), {"__annotations__": {"pending": Timer | None}})),
            "pending: holds a timer",
        ),
        (
            dataclass(type("Sets", (), {"__annotations__": {"items": dict[frozenset[str], int]}})),
            "items: a dict",
        ),
        (dataclass(type("Calls", (), {"__annotations__": {"then": Callable[[], None]}})), "then:"),
        (dataclass(type("Files", (), {"__annotations__": {"handle": random.Random}})), "handle: Random"),
    ],
)
def test_what_would_not_come_back_as_it_was_is_refused_naming_the_field(cls, where):
    with pytest.raises(Unsavable, match=where):
        Codec(cls)


@dataclass
class Catalog:
    tenant: str
    items: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = field(default_factory=dict)
    by_key: dict[tuple[str, int], Part] | None = None
    seen: set[tuple[str, str]] = field(default_factory=set)
    parts: list[Part] = field(default_factory=list)


def test_a_dict_keyed_by_tuples_is_saved_as_pairs_and_comes_back_a_dict():
    catalog = Catalog("t", seen={("a", "b")})
    catalog.items[("orders", ("p1", "p2"))] = {"o1": {"id": "o1"}}
    catalog.items[("orders", ())] = {}
    catalog.by_key = {("x", 1): Part("doc", b"\x00", T0)}
    catalog.parts.append(Part("p", b"", T0))
    codec = Codec(Catalog)
    raw = codec.dump(catalog)
    assert b'"items":[[["orders",["p1","p2"]],{"o1":{"id":"o1"}}]' in raw
    back = codec.load(raw)
    assert back == catalog and list(back.items) == list(catalog.items)
    assert isinstance(back.parts[0], Part)


@dataclass
class Seen:
    keys: set[tuple[str, str]] = field(default_factory=set)
    scopes: frozenset[str] = frozenset()


def test_sets_are_saved_sorted_so_the_same_state_gives_the_same_bytes():
    members = [("orders", "p2"), ("calculations", ""), ("orders", "p1"), ("a", "z")]
    dumps = set()
    for order in (members, members[::-1], sorted(members)):
        state = Seen()
        for member in order:  # a set's iteration order follows its history, and the hash seed
            state.keys.add(member)
        state.scopes = frozenset(reversed([m for m, _ in order]))
        dumps.add(Codec(Seen).dump(state))
    assert dumps == {
        b'{"keys":[["a","z"],["calculations",""],["orders","p1"],["orders","p2"]],'
        b'"scopes":["a","calculations","orders"]}'
    }
    back = Codec(Seen).load(dumps.pop())
    assert back == Seen(set(members), frozenset({"a", "calculations", "orders"}))
    assert isinstance(back.keys, set) and isinstance(back.scopes, frozenset)


@dataclass
class Tree:
    children: list[Tree] = field(default_factory=list)
    index: dict[tuple[str, str], int] = field(default_factory=dict)


def test_a_class_holding_itself_and_tuple_keys_is_refused():
    with pytest.raises(Unsavable, match="holds itself"):
        Codec(Tree)


def test_a_field_the_constructor_does_not_take_is_refused():
    @dataclass
    class Derived:
        items: list[int]
        count: int = field(default=0, init=False)

    with pytest.raises(Unsavable, match=r"Derived\.count"):
        Codec(Derived)


def test_saved_data_that_does_not_fit_names_the_field():
    codec = Codec(Account)
    with pytest.raises(CodecError) as refused:
        codec.load(b'{"tenant": "t", "letters": {"l1": {"id": "l1", "state": 5}}}')
    fields = [where for where, _ in refused.value.problems]
    assert "letters.l1.state" in fields and "letters.l1.created_at" in fields


def test_random_streams_continue_where_they_stood():
    ids = Ids(7, "stream")
    ids.uuid4()
    saved = rng_state(ids.rng)
    expected = ids.uuid4()
    other = Ids(7, "stream")
    set_rng_state(other.rng, saved)
    assert other.uuid4() == expected
    with pytest.raises(ValueError, match="not a random stream position"):
        set_rng_state(other.rng, [3, [1, 2], None])


def test_the_clock_saves_its_frozen_instant_or_its_offset():
    clock = Clock()
    clock.freeze(T0)
    again = Clock()
    again.restore(clock.export())
    assert again.frozen and again.now() == T0
    clock.unfreeze()
    running = Clock()
    running.restore(clock.export())
    assert not running.frozen and abs(running.timestamp() - clock.timestamp()) < 60


def test_fault_rules_keep_their_counts_ids_and_random_choices():
    faults = Faults(random.Random(1))
    faults.add(FaultSpec(path="/a", status=503, times=2, probability=0.5))
    faults.rng.random()
    saved = faults.export()
    restored = Faults(random.Random(99))
    restored.restore([FaultRule.model_validate(r) for r in saved["rules"]], saved["last_id"], saved["rng"])
    assert restored.list() == faults.list() and restored.rng.random() == faults.rng.random()
    assert restored.add(FaultSpec(path="/b", status=500)).id == "fault-2"
    assert [rule.id for rule in restored.append(faults.list())] == ["fault-3"]


def test_open_mode_accounts_keep_their_labels_credentials_and_fixed_secrets():
    tenancy = Tenancy()
    tenant = tenancy.resolve("ekopost", "api-key:abcdef123456")
    assert tenant is not None
    assert tenancy.admit("ekopost", "basic:anna", "first")
    saved = tenancy.export("ekopost")
    assert tenancy.export("ekopost", tenant)["secrets"] == {}  # one account's part names no secrets
    again = Tenancy()
    again.restore("ekopost", saved)
    assert again.label("ekopost", tenant) == tenancy.label("ekopost", tenant)
    assert again.find("ekopost", "abcdef123456") == tenant
    assert not again.admit("ekopost", "basic:anna", "second")
    again.forget("ekopost", tenant)
    assert again.find("ekopost", "abcdef123456") is None and not again.admit("ekopost", "basic:anna", "x")
    again.forget("ekopost")
    assert again.admit("ekopost", "basic:anna", "x")
