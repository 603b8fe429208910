"""Fixtures of the Nirva client suite: a frozen clock and signed-in users of the demo organisation."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mockpost.testing import Mockpost

# The client module sits next to this file; test modules import it by name.
sys.path.insert(0, str(Path(__file__).parent))

from nirva_acceptance_client import START, Nirva


@pytest.fixture
def clocked(mockpost: Mockpost) -> Mockpost:
    mockpost.clock.freeze(START)
    return mockpost


@pytest.fixture
def nirva(clocked: Mockpost) -> Nirva:
    """The documented `demo` user, signed in with its profile detail."""
    return Nirva(clocked).authenticate("demo", "demo")


@pytest.fixture
def admin(clocked: Mockpost) -> Nirva:
    """The documented administrator of the same organisation."""
    return Nirva(clocked).authenticate("admin", "admin")
