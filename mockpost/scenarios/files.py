"""Which files a scenario may read (`!base64`, `!filesize`, `!text`, `!file`, a request's `files`).

A scenario loaded from disk (`mockpost run`, `mockpost serve --scenario`, the pytest collector)
reads only below its own folder: a relative name, no `..`, and nothing a symbolic link leads to
outside the folder. A scenario posted to a running server (`POST /_mockpost/scenarios`) reads no
file at all: its sender does not own the server's disk, and the content would come back through
the API.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

NO_FOLDER = (
    "a scenario sent to the server cannot read files; put the content in the scenario itself, "
    "or run the file where it lives (`mockpost run`, `mockpost serve --scenario`)"
)


class FileRefused(ValueError):
    """A file name the scenario may not read; the message says why."""


def scenario_file(root: Path | None, name: str) -> Path:
    """The file `name` below the scenario's folder `root` (None: the scenario has no folder)."""
    if root is None:
        raise FileRefused(NO_FOLDER)
    if not name or "\0" in name:
        raise FileRefused(f"{name!r} is not a file name")
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).anchor:
        raise FileRefused(f"{name!r} is an absolute path; name a file below the scenario's folder")
    if ".." in PurePosixPath(name).parts or ".." in PureWindowsPath(name).parts:
        raise FileRefused(f"{name!r} leaves the scenario's folder ('..'); name a file below it")
    try:
        folder = root.resolve()
        target = (folder / name).resolve()
    except (OSError, RuntimeError) as exc:  # a symbolic link loop
        raise FileRefused(f"{name!r} cannot be followed: {exc}") from None
    if not target.is_relative_to(folder):
        raise FileRefused(f"{name!r} leads outside the scenario's folder (a symbolic link)")
    return target
