"""Keeping long-lived objects out of the garbage collector's way."""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Move everything built so far (routes, catalogs, providers, Faker's locale data) out of the
    collector's sight, so collections only scan what requests create: no long pauses under load.
    Called before serving and again once the background warm-up has loaded every provider."""
    gc.collect()
    gc.freeze()
