"""Afosto API: every documented endpoint, served from a compiled catalog, with the documented
lifecycles modelled by hand on top. Mounted at /afosto."""

from mockpost.providers.afosto.provider import AfostoProvider

__all__ = ["AfostoProvider"]
