"""The mock's parcel lockers and PaczkoPunkts: package data compiled once at start-up, then
filtered, measured (distance to a relative point) and paged on each request."""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import orjson

from mockpost.core.numbers import is_digits, parse_int
from mockpost.providers.inpost.errors import InvalidParameter, NotFound
from mockpost.providers.inpost.paging import PageRequest, sort_and_page

SORTABLE = ("name", "distance_to_relative_point", "status")
DATA_UPDATED_AT = datetime(2026, 1, 1, tzinfo=UTC)  # when the package data was built
LIST_FILTERS = ("name", "type", "functions")  # comma lists: any of the values
EXACT_FILTERS = ("post_code", "city", "province", "partner_id", "virtual")
BOOL_FILTERS = ("is_next", "payment_available", "location_247")


@functools.cache
def load_points() -> list[dict[str, Any]]:
    """Parsed once per process; shared read-only by every sandbox (rendering copies)."""
    raw = resources.files(__package__).joinpath("data/points.json").read_bytes()
    points: list[dict[str, Any]] = orjson.loads(raw)
    return points


class Points:
    def __init__(self, points: list[dict[str, Any]]) -> None:
        self.all = points
        self.by_name = {point["name"]: point for point in points}
        self.by_post_code: dict[str, dict[str, Any]] = {}
        for point in points:
            self.by_post_code.setdefault(point["address_details"]["post_code"], point)

    def types(self, name: str) -> list[str] | None:
        point = self.by_name.get(name)
        return list(point["type"]) if point is not None else None

    def get(self, name: str) -> dict[str, Any]:
        point = self.by_name.get(name)
        if point is None:
            raise NotFound("point", name[:64])
        return point

    def search(
        self, filters: Mapping[str, str], page: PageRequest
    ) -> tuple[list[tuple[dict[str, Any], float | None]], int]:
        """Matching points with their distance in metres (when a relative point is given)."""
        found = self.all
        for key in LIST_FILTERS:
            if filters.get(key):
                wanted = {v.strip() for v in filters[key].split(",") if v.strip()}
                if key == "name":
                    found = [p for p in found if p["name"] in wanted]
                else:
                    found = [p for p in found if wanted & set(p[key])]
        for key in EXACT_FILTERS:
            value = filters.get(key)
            if value:
                if key == "partner_id" and not is_digits(value.strip()):
                    raise InvalidParameter(key, "invalid_format")  # malformed numbers are errors (1.7.0)
                found = [p for p in found if str(_detail(p, key)).lower() == value.strip().lower()]
        found = _updated_between(found, filters.get("updated_from"), filters.get("updated_to"))
        for key in BOOL_FILTERS:
            value = filters.get(key)
            if value:
                if value.lower() not in ("true", "false", "1", "0"):
                    raise InvalidParameter(key, "invalid_value")
                wanted_bool = value.lower() in ("true", "1")
                found = [p for p in found if bool(p.get(key)) == wanted_bool]
        origin = self._origin(filters)
        measured = [(p, _distance(origin, p) if origin else None) for p in found]
        max_distance = filters.get("max_distance")
        if max_distance:
            limit = _float(max_distance, "max_distance")
            if origin is None:
                raise InvalidParameter("max_distance", "relative_point_required")
            measured = [(p, d) for p, d in measured if d is not None and d <= limit]
        if page.sort_by == "distance_to_relative_point" and origin is None:
            raise InvalidParameter("sort_by", "relative_point_required")
        limit_raw = filters.get("limit")
        keys = {
            "name": lambda item: item[0]["name"],
            "status": lambda item: (item[0]["status"], item[0]["name"]),
            "distance_to_relative_point": lambda item: item[1],
        }
        if limit_raw:
            nearest = parse_int(limit_raw)
            if nearest is None or nearest < 1:
                raise InvalidParameter("limit", "invalid_value")
            ordered, _ = sort_and_page(
                measured, PageRequest(1, len(measured) or 1, page.sort_by, page.descending), keys
            )
            measured = ordered[:nearest]
        return sort_and_page(measured, page, keys)

    def _origin(self, filters: Mapping[str, str]) -> tuple[float, float] | None:
        relative = filters.get("relative_point")
        if relative:
            parts = relative.split(",")
            if len(parts) != 2:
                raise InvalidParameter("relative_point", "invalid_format")
            lat, lng = _float(parts[0], "relative_point"), _float(parts[1], "relative_point")
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                raise InvalidParameter("relative_point", "invalid_value")
            return lat, lng
        post_code = filters.get("relative_post_code")
        if post_code:
            point = self.by_post_code.get(post_code.strip())
            if point is None:
                raise InvalidParameter("relative_post_code", "does_not_exist")
            return point["location"]["latitude"], point["location"]["longitude"]
        return None


def _updated_between(
    found: list[dict[str, Any]], since: str | None, until: str | None
) -> list[dict[str, Any]]:
    """`updated_from` / `updated_to`: the package data was last updated at DATA_UPDATED_AT."""
    for key, raw, keep in (("updated_from", since, operator.ge), ("updated_to", until, operator.le)):
        if raw:
            try:
                instant = datetime.fromisoformat(raw.strip().replace(" ", "+"))
            except ValueError:
                raise InvalidParameter(key, "invalid_format") from None
            if instant.tzinfo is None:
                instant = instant.replace(tzinfo=UTC)
            if not keep(DATA_UPDATED_AT, instant):
                return []
    return found


def _detail(point: dict[str, Any], key: str) -> Any:
    if key in ("post_code", "city", "province"):
        return point["address_details"][key]
    return point.get(key)


def _float(raw: str, name: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise InvalidParameter(name, "invalid_format") from None
    if not math.isfinite(value) or value < -1e7 or value > 1e9:
        raise InvalidParameter(name, "invalid_value")
    return value


def _distance(origin: tuple[float, float], point: dict[str, Any]) -> float:
    """Great-circle distance in whole metres."""
    lat1, lng1 = map(math.radians, origin)
    lat2 = math.radians(point["location"]["latitude"])
    lng2 = math.radians(point["location"]["longitude"])
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return float(round(2 * 6_371_000 * math.asin(math.sqrt(min(1.0, a)))))
