"""Start-up: continue from the data directory's store, or start from a snapshot file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mockpost.persist.flusher import Persistence
from mockpost.persist.restore import SnapshotError
from mockpost.persist.sqlite import SqliteStore

if TYPE_CHECKING:
    from mockpost.config import Settings
    from mockpost.sandbox import Sandbox


def open_persistence(sandbox: Sandbox, settings: Settings) -> Persistence | None:
    """With a data directory: open its store and continue from it, or (an empty store) start from
    `--snapshot` if given; without one: only the snapshot, if given. StoreRefused (a store that
    cannot be used) and ConfigError (a snapshot file that cannot) say why in one line."""
    if settings.data_dir is None:
        if settings.snapshot is not None:
            start_from(sandbox, settings.snapshot)
        return None
    store = SqliteStore(settings.data_dir)
    try:
        persistence = Persistence(sandbox, store)
        if not persistence.load():
            if settings.snapshot is not None:
                start_from(sandbox, settings.snapshot)
            persistence.save_everything()
    except BaseException:
        store.close()
        raise
    persistence.start()
    return persistence


def start_from(sandbox: Sandbox, path: Path) -> None:
    from mockpost.configfiles import ConfigError

    try:
        sandbox.snapshots.restore_file(path)
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror}", "snapshot") from None
    except SnapshotError as exc:
        raise ConfigError(f"{path}: {exc}", "snapshot") from None
