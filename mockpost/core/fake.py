"""Fake data (Faker), deterministic when a seed is given.

Faker loads locale providers on construction, which is slow; a provider builds its Faker once
when the app is created, never on a request.
"""

from __future__ import annotations

from faker import Faker

from mockpost.core.ids import derive_seed


def make_faker(locale: str, seed: int | None, stream: str) -> Faker:
    faker = Faker(locale)
    derived = derive_seed(seed, f"faker:{stream}")
    if derived is not None:
        faker.seed_instance(derived)
    return faker
