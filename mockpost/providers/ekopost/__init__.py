"""Ekopost (Sweden): campaigns, envelopes, content, reachable checks, sms. Mounted at /ekopost."""

from mockpost.providers.ekopost.provider import EkopostProvider

__all__ = ["EkopostProvider"]
