"""Fake data (Faker), deterministic when a seed is given.

Importing Faker costs a few hundred milliseconds, so nothing imports it at module level: a server
warms it in a background thread once it is answering (see Provider.warm_up), and in-process use
builds it on first need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockpost.core.ids import derive_seed

if TYPE_CHECKING:
    from faker import Faker


def make_faker(locale: str, seed: int | None, stream: str) -> Faker:
    from faker import Faker

    faker = Faker(locale)
    reseed_faker(faker, seed, stream)
    return faker


def reseed_faker(faker: Faker, seed: int | None, stream: str) -> None:
    """Restart the instance's stream: after a reset, a seeded sandbox repeats its fake data."""
    derived = derive_seed(seed, f"faker:{stream}")
    if derived is not None:
        faker.seed_instance(derived)
