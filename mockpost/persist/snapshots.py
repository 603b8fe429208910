"""Snapshots of a sandbox: export the whole of it, one provider or one account as a versioned JSON
document, and restore one (replacing, or merging). The control plane, the CLI, the pytest handle and
the store all go through here."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockpost import inventory
from mockpost.persist.capture import export_document
from mockpost.persist.codecs import StateCodecs
from mockpost.persist.restore import Content, SnapshotError, apply, read

if TYPE_CHECKING:
    from mockpost.sandbox import Sandbox

__all__ = ["SnapshotError", "Snapshots"]


class Snapshots:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.codecs = StateCodecs(sandbox)

    def export(self, provider: str | None = None, account: str | None = None) -> bytes:
        """The document (JSON bytes); LookupError (inventory.NotFound) for an unknown provider or
        account (named by its id, label or credential)."""
        if account is not None and provider is None:
            raise inventory.NotFound("an account is named within a provider: give the provider too")
        if provider is not None and provider not in self.sandbox.providers:
            raise inventory.NotFound(
                f"unknown provider {provider!r}; known: {sorted(self.sandbox.providers)}"
            )
        tenant = None
        if account is not None:
            assert provider is not None
            tenant = inventory.tenant_named(self.sandbox, account, provider)
            if self.sandbox.store.existing(provider, tenant) is None:
                raise inventory.NotFound(f"{provider} has no account {account!r}")
        return export_document(self.sandbox, self.codecs, provider, tenant)

    def read(self, raw: bytes) -> Content:
        """Check a document without applying it (SnapshotError names what is wrong)."""
        return read(self.sandbox, self.codecs, raw)

    def restore(self, raw: bytes, merge: bool = False) -> dict[str, Any]:
        """Check, then apply: a document with any problem changes nothing."""
        started = time.perf_counter()
        content = self.read(raw)
        counts = apply(self.sandbox, content, merge)
        return {
            "restored": counts,
            "scope": content.scope.model_dump(),
            "merge": merge,
            "written_by": content.version,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }

    def restore_file(self, path: Path) -> dict[str, Any]:
        """A snapshot file (`mockpost serve --snapshot FILE`); OSError when it cannot be read."""
        return self.restore(path.read_bytes())
