"""Identifiers and random choices that repeat run to run under a seed.

Each provider draws from its own stream (derived from the seed and the provider name), so adding
calls to one provider does not shift the ids another provider hands out.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from typing import Any


class Ids:
    def __init__(self, seed: int | None, stream: str = "") -> None:
        self.seed = seed
        self.stream = stream
        self.rng = random.Random(derive_seed(seed, stream)) if seed is not None else random.SystemRandom()

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex(self, length: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(length))

    def digits(self, length: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(length))

    def token(self, length: int = 32) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self.rng.choice(alphabet) for _ in range(length))


def derive_seed(seed: int | None, stream: str) -> int | None:
    if seed is None:
        return None
    digest = hashlib.sha256(f"{seed}:{stream}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def rng_state(rng: random.Random) -> list[Any]:
    """A random stream's position as JSON-ready data (`random.Random.getstate`)."""
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def set_rng_state(rng: random.Random, state: list[Any]) -> None:
    """Put a random stream back at a position `rng_state` gave; ValueError for anything else."""
    try:
        version, internal, gauss = state
        rng.setstate((int(version), tuple(int(n) for n in internal), gauss))
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"not a random stream position: {exc}") from None
