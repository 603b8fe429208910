"""InPost ShipX v1 (Poland): organizations and statistics, shipments, labels, tracking, points,
dispatch orders. Mounted at /inpost; every path starts with /v1/."""

from mockpost.providers.inpost.provider import InpostProvider

__all__ = ["InpostProvider"]
