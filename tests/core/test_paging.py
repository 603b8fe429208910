"""Keyset paging (core/paging.py): order, bounds, cursors, validation, and the cost property.

The cost test counts work instead of timing it: comparisons made while locating the page, and
items looked at while filling it. Both must not grow with the number of items before the cursor.
"""

from __future__ import annotations

import math
from functools import total_ordering

import pytest

from mockpost.core.paging import KeysetIndex, UnknownCursor, page_params


def filled(values: dict[str, int]) -> KeysetIndex:
    index = KeysetIndex()
    for item_id, value in values.items():
        index.add(item_id, value)
    return index


def test_ascending_order_breaks_ties_by_id() -> None:
    index = filled({"c": 1, "a": 1, "b": 0, "d": 2})
    assert index.page(10) == ["b", "a", "c", "d"]


def test_pages_follow_the_cursor_without_gaps_or_repeats() -> None:
    index = filled({f"id{n:03d}": n // 3 for n in range(50)})
    seen: list[str] = []
    after = None
    while True:
        page = index.page(7, after)
        if not page:
            break
        seen += page
        after = page[-1]
    assert seen == list(index)
    assert len(seen) == 50


def test_descending_and_bounds_are_inclusive() -> None:
    index = filled({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
    assert index.page(10, descending=True) == ["e", "d", "c", "b", "a"]
    assert index.page(10, lower=2, upper=4) == ["b", "c", "d"]
    assert index.page(10, descending=True, lower=2, upper=4) == ["d", "c", "b"]
    assert index.page(2, "d", descending=True) == ["c", "b"]


def test_filter_skips_items_but_fills_the_page() -> None:
    index = filled({f"{n:02d}": n for n in range(20)})
    assert index.page(3, "04", accept=lambda i: int(i) % 2 == 0) == ["06", "08", "10"]


def test_removed_item_still_works_as_cursor_and_unknown_cursor_is_refused() -> None:
    index = filled({"a": 1, "b": 2, "c": 3})
    index.remove("b")
    assert index.page(10) == ["a", "c"]
    assert index.page(10, "b") == ["c"]
    with pytest.raises(UnknownCursor):
        index.page(10, "nope")


def test_moving_an_item_reorders_it() -> None:
    index = filled({"a": 1, "b": 2, "c": 3})
    index.move("a", 9)
    assert index.page(10) == ["b", "c", "a"]
    assert len(index) == 3


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ({"maxItems": "0"}, "maxItems must not be less than 1"),
        ({"maxItems": "101"}, "maxItems must not be greater than 100"),
        ({"maxItems": "ten"}, "maxItems must be an integer number"),
        ({"maxItems": "1.5"}, "maxItems must be an integer number"),
        ({"after": " "}, "after should not be empty"),
    ],
)
def test_page_params_name_the_parameter(query: dict[str, str], problem: str) -> None:
    _, problems = page_params(query)
    assert problems == [problem]


def test_page_params_defaults() -> None:
    params, problems = page_params({})
    assert (params.limit, params.after, problems) == (100, None, [])
    params, _ = page_params({"maxItems": "100", "after": "x"})
    assert (params.limit, params.after) == (100, "x")


@total_ordering
class Counted:
    """A sort value that counts how often it is compared."""

    comparisons = 0

    def __init__(self, value: int) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        Counted.comparisons += 1
        return isinstance(other, Counted) and self.value == other.value

    def __lt__(self, other: Counted) -> bool:
        Counted.comparisons += 1
        return self.value < other.value

    def __hash__(self) -> int:
        return hash(self.value)


def cost_of_last_page(size: int, page: int = 20) -> tuple[int, int]:
    """(comparisons, items looked at) to fetch the page after item size-page-1 of `size` items."""
    index = KeysetIndex()
    for n in range(size):
        index.add(f"id{n:08d}", Counted(n))
    cursor = f"id{size - page - 1:08d}"
    looked: list[str] = []

    def accept(item_id: str) -> bool:
        looked.append(item_id)
        return True

    Counted.comparisons = 0
    found = index.page(page, cursor, accept=accept)
    assert len(found) == page
    return Counted.comparisons, len(looked)


def test_page_cost_does_not_grow_with_the_items_before_it() -> None:
    """Paging deep into 200,000 items touches the same page of items as with 100, and locating the
    cursor costs O(log n) comparisons: the million-job benchmark target holds by construction."""
    small_cmp, small_looked = cost_of_last_page(100)
    big_cmp, big_looked = cost_of_last_page(200_000)
    assert small_looked == big_looked == 20  # only the page's own items are looked at
    # a bisection over (value, id) keys: a few comparisons per halving step, nothing per item
    assert big_cmp <= 4 * math.ceil(math.log2(200_000)) + 8
    assert big_cmp - small_cmp <= 4 * (math.ceil(math.log2(200_000)) - math.floor(math.log2(100)))
