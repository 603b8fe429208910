"""Persistence (`--data-dir`) and snapshots: the sandbox saved as data, and put back.

`Snapshots` (snapshots.py) exports and restores one versioned JSON document; `Persistence`
(flusher.py) keeps the same content in SQLite as the sandbox changes; `open_persistence` (start.py)
opens the store at start-up. None of it knows a provider: an account's state is saved by a generic
codec from its provider's state class (core/codec.py). Nothing here is imported unless it is used,
so a sandbox without a data directory pays nothing for it.
"""
