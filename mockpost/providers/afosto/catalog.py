"""The compiled catalog (package data), each endpoint classified by the pattern the engine serves it with.

Classification is a pure function of the catalog: the method, the path's shape, the documented
examples and which sibling routes exist. The few endpoints whose documented behaviour the shape does
not reveal are named in OVERRIDES / SOFT_DELETE.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

CATALOG_FILE = "data/catalog.json.gz"

# "Mark as deleted", "Disable", "marked as expired": the object stays, with deleted_at set.
SOFT_DELETE = frozenset(
    {
        ("DELETE", "/wms/routes/{id}"),
        ("DELETE", "/wms/hops/{id}"),
        ("DELETE", "/wms/locations/{id}"),
        ("DELETE", "/wms/schedules/{id}"),
        ("DELETE", "/cat/groups/{id}"),
        ("DELETE", "/odr/coupons/codes/{code}"),
    }
)

# Endpoints whose shape misleads the rules below.
OVERRIDES: dict[tuple[str, str], str] = {
    ("POST", "/rel/contacts"): "search",  # a POST on the collection is a search, as documented
    ("POST", "/iam/purges/{token}"): "action",
    ("POST", "/int/apps/store/{code}"): "action",  # installing an app creates an integration
    ("GET", "/mes/tasks/{id}"): "task",
    ("POST", "/cat/maps/collections/{id}/search"): "action",  # a key -> value lookup, not a listing
    ("PUT", "/lcs/locations/{id}/skus"): "upsert",  # the location's sku listings are what clients put
    ("PUT", "/odr/filters"): "upsert",  # sets the filters of skus: what GET /odr/filters lists
}

# Searches whose path does not name the collection they search.
SEARCH_TARGETS = {
    ("POST", "/wms/search/items"): "/wms/inventory",  # the warehouse's inventory items
    ("POST", "/odr/search/coupons"): "/odr/coupons/codes",  # coupons are their codes
}

# What the compiler writes of each endpoint: the fields an Operation is made of.
ENTRY_FIELDS = (
    "method",
    "path",
    "title",
    "description",
    "parameters",
    "request",
    "success",
    "examples",
    "headers",
    "content_types",
    "statuses",
    "enums",
)
COLLECTION_PATTERNS = ("list", "create", "read", "update", "delete", "upsert", "search")


def template(segments: list[str]) -> str:
    """A collection key: its path with every parameter as `{}` (names differ between siblings)."""
    return "/" + "/".join("{}" if s.startswith("{") else s for s in segments)


def is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


@dataclass
class Operation:
    method: str
    path: str
    title: str
    description: str
    parameters: list[dict[str, Any]]
    request: Any
    success: int
    examples: dict[str, Any]
    headers: dict[str, list[dict[str, str]]]
    content_types: dict[str, list[str]]
    statuses: dict[str, str]
    enums: dict[str, list[list[Any]]] = field(default_factory=dict)  # 2xx code -> [[path, values]]
    segments: list[str] = field(default_factory=list)
    pattern: str = "action"
    collection: str = ""  # the collection template this operation reads or changes
    scope: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def service(self) -> str:
        return self.segments[0]

    @property
    def success_example(self) -> Any:
        return self.examples.get(str(self.success), self.examples.get("200"))

    @property
    def success_headers(self) -> list[dict[str, str]]:
        return self.headers.get(str(self.success), [])

    def documents_header(self, name: str) -> bool:
        return any(h["name"].lower() == name for hs in self.headers.values() for h in hs)

    def takes_header(self, name: str) -> bool:
        return name in self.header_names

    @functools.cached_property
    def header_names(self) -> frozenset[str]:
        """The headers it takes, in lower case (asked on every request: worked out once)."""
        return frozenset(p["name"].lower() for p in self.parameters if p["in"] == "header")

    @functools.cached_property
    def takes_form(self) -> bool:
        """Whether its body is a form (read as bytes) rather than JSON."""
        return any(p["in"] == "formData" for p in self.parameters)

    @property
    def path_params(self) -> list[str]:
        return [s[1:-1] for s in self.segments if is_param(s)]

    @property
    def response_type(self) -> str:
        types = self.content_types.get("response") or []
        return types[0] if types else "application/json"

    def wraps_error(self, status: int) -> bool:
        """Some /iam/profiles answers document their error envelope inside an array: per status, as
        the reference shows it (`PUT /iam/profiles/{path}`: 400/401/403/409; its GET: 403/404)."""
        return isinstance(self.examples.get(str(status)), list)

    @property
    def documents_conflict(self) -> bool:
        return "409" in self.statuses


class FieldTable:
    """What the reference says of its examples' fields beyond the placeholders (see the compiler,
    tools/compile_afosto_catalog.py): the enums of fields, found by the example object they sit in,
    and the format of some field names."""

    def __init__(self, operations: Sequence[Operation] = (), formats: dict[str, str] | None = None) -> None:
        self.formats = formats or {}
        # id(example object) -> field -> values; the examples live as long as the cached catalog
        self._enums: dict[int, dict[str, list[str]]] = {}
        for op in operations:
            for code, found in op.enums.items():
                for path, values in found:
                    holder = _holder(op.examples[code], path[:-1])
                    if isinstance(holder, dict):
                        self._enums.setdefault(id(holder), {})[path[-1]] = values

    def enums_of(self, example: dict[str, Any]) -> dict[str, list[str]] | None:
        return self._enums.get(id(example))


def _holder(example: Any, path: list[str]) -> Any:
    for step in path:
        if step == "[]":
            example = example[0] if isinstance(example, list) and example else None
        else:
            example = example.get(step) if isinstance(example, dict) else None
    return example


@dataclass
class Catalog:
    title: str
    operations: list[Operation]
    scopes: dict[str, str]
    fields: FieldTable
    blocks: int
    duplicates: list[dict[str, Any]]

    def __post_init__(self) -> None:
        self.by_key = {op.key: op for op in self.operations}
        self.collections = self._collections()

    def _collections(self) -> dict[str, dict[str, Operation]]:
        """Collection template -> its operations by pattern (list, create, read, ...)."""
        found: dict[str, dict[str, Operation]] = {}
        for op in self.operations:
            if op.pattern in COLLECTION_PATTERNS and op.collection:
                found.setdefault(op.collection, {}).setdefault(op.pattern, op)
        return found

    def creatable(self, collection: str) -> bool:
        ops = self.collections.get(collection, {})
        return "create" in ops or "upsert" in ops

    def item_param(self, collection: str) -> str:
        for pattern in ("read", "update", "delete"):
            op = self.collections.get(collection, {}).get(pattern)
            if op is not None:
                return op.path_params[-1]
        return "id"


@functools.cache
def load_catalog() -> Catalog:
    """Parsed once per process: every sandbox (one per test, often) shares the read-only catalog."""
    return _read_catalog()


def _read_catalog() -> Catalog:
    raw = resources.files(__package__).joinpath(CATALOG_FILE).read_bytes()
    data = json.loads(gzip.decompress(raw))
    operations = [
        Operation(**{name: e[name] for name in ENTRY_FIELDS}, segments=e["path"].strip("/").split("/"))
        for e in data["endpoints"]
    ]
    classify(operations)
    return Catalog(
        title=data["title"],
        operations=operations,
        scopes=data["scopes"],
        fields=FieldTable(operations, data["formats"]),
        blocks=data["blocks"],
        duplicates=data["duplicates"],
    )


def classify(operations: list[Operation]) -> None:
    routes = {(op.method, template(op.segments)) for op in operations}
    by_key = {op.key: op for op in operations}

    def has(method: str, segments: list[str]) -> bool:
        return (method, template(segments)) in routes

    for op in operations:
        segs = op.segments
        last = segs[-1]
        example = op.success_example
        pattern, collection = "action", ""
        if op.method == "GET":
            if is_param(last) and not op.response_type.startswith(("image/", "application/octet")):
                pattern, collection = "read", template(segs[:-1])
            elif isinstance(example, list):
                pattern, collection = "list", template(segs)
            else:
                pattern, collection = "singleton", template(segs)
        elif op.method == "POST":
            request_text = json.dumps(op.request)
            if "search" in segs or ('"constraints"' in request_text and isinstance(example, list)):
                target = search_target(segs)  # `/rel/search/address` searches `/rel/addresses`
                named = (t for t in (target, f"{target}s", f"{target}es") if ("GET", f"{t}/{{}}") in routes)
                plural = next(named, target)
                pattern, collection = "search", SEARCH_TARGETS.get(op.key, plural)
            elif not is_param(last) and (
                has("GET", [*segs, "{}"]) or has("PUT", [*segs, "{}"]) or has("DELETE", [*segs, "{}"])
            ):
                pattern, collection = "create", template(segs)
            elif not is_param(last) and has("GET", segs) and isinstance(example, dict | list):
                # a POST beside a GET list adds to it; beside a GET document it sets that document
                get = by_key.get(("GET", op.path))
                listing = get is not None and isinstance(get.success_example, list)
                pattern, collection = ("create" if listing else "singleton"), template(segs)
        elif op.method == "PUT":
            if is_param(last):
                pattern, collection = "update", template(segs[:-1])
            elif has("GET", [*segs, "{}"]) or has("DELETE", [*segs, "{}"]):
                pattern, collection = "upsert", template(segs)
            elif has("GET", segs):
                pattern, collection = "singleton", template(segs)
        elif op.method == "DELETE":
            if is_param(last):
                pattern, collection = "delete", template(segs[:-1])
            elif has("GET", segs) and not has("POST", segs):
                pattern, collection = "singleton", template(segs)
        override = OVERRIDES.get(op.key)
        if override:
            pattern = override
            if override == "search":
                collection = template(segs)
        op.pattern, op.collection = pattern, collection


def search_target(segments: list[str]) -> str:
    """`/odr/search/orders` searches `/odr/orders`; `/lcs/lists/search` searches `/lcs/lists`."""
    rest = [s for s in segments if s != "search"]
    return template(rest)
