"""Refusals at start-up, in a module that imports nothing heavy (the CLI catches them)."""

from __future__ import annotations


class StoreRefused(Exception):
    """The data directory cannot be used; the message is one line that says why and what to do."""
