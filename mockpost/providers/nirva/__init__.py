"""Nirva Intelligent Hybrid Mail (France/Belgium). Mounted at /nirva."""

from mockpost.providers.nirva.provider import NirvaProvider

__all__ = ["NirvaProvider"]
