"""`mockpost snapshot save FILE | load FILE --target URL`: a running server's state to a file and back.

Exit codes: 0 done; 1 the server refused (e.g. a snapshot it cannot restore: the message names the
field); 2 a wrong command line, a file that cannot be read or written, or a server that cannot be
reached.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

EXIT_DONE, EXIT_REFUSED, EXIT_INVALID = 0, 1, 2
DEFAULT_TARGET = "http://127.0.0.1:8000"
TOKEN_VARIABLE = "MOCKPOST_CONTROL_TOKEN"
TIMEOUT = 300.0  # seconds: a world of a million objects takes a while to send


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    save = actions.add_parser(
        "save", help="write the server's state (or one provider's, or account's) to FILE"
    )
    load = actions.add_parser("load", help="restore FILE into the server (replacing what it covers)")
    for action in (save, load):
        action.add_argument("file", metavar="FILE", help="the snapshot file ('-': stdout / stdin)")
        action.add_argument(
            "--target",
            metavar="URL",
            default=DEFAULT_TARGET,
            help=f"the mockpost server (default {DEFAULT_TARGET})",
        )
        action.add_argument(
            "--control-token",
            metavar="TOKEN",
            help=f"the server's control token (default: {TOKEN_VARIABLE})",
        )
    save.add_argument("--provider", help="only this provider")
    save.add_argument("--account", help="only this account of --provider (its id, label or credential)")
    load.add_argument(
        "--merge", action="store_true", help="add to the server's state instead of replacing it"
    )


def snapshot_command(args: argparse.Namespace) -> int:
    import httpx

    from mockpost.control.guard import control_headers

    token = args.control_token if args.control_token is not None else os.environ.get(TOKEN_VARIABLE)
    url = args.target.rstrip("/") + "/_mockpost/snapshot"
    try:
        with httpx.Client(headers=control_headers(token), timeout=TIMEOUT, trust_env=False) as client:
            if args.action == "save":
                return _save(client, url, args)
            return _load(client, url, args)
    except httpx.HTTPError as exc:
        return _fail(f"cannot reach {args.target}: {exc}", EXIT_INVALID)


def _save(client: Any, url: str, args: argparse.Namespace) -> int:
    if args.account and not args.provider:
        return _fail("--account needs --provider", EXIT_INVALID)
    params = {key: value for key, value in (("provider", args.provider), ("account", args.account)) if value}
    response = client.get(url, params=params)
    if response.status_code != 200:
        return _refused(response)
    raw: bytes = response.content
    if args.file == "-":
        sys.stdout.buffer.write(raw)
        return EXIT_DONE
    path = Path(args.file)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(raw)
        partial.replace(path)  # never half a file where the snapshot should be
    except OSError as exc:
        return _fail(f"cannot write {path}: {exc.strerror}", EXIT_INVALID)
    print(f"saved {len(raw):,} bytes from {args.target} to {path}")
    return EXIT_DONE


def _load(client: Any, url: str, args: argparse.Namespace) -> int:
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror}", EXIT_INVALID)
    response = client.post(
        url,
        content=raw,
        params={"merge": "true"} if args.merge else {},
        headers={"content-type": "application/json"},
    )
    if response.status_code != 200:
        return _refused(response)
    result = response.json()
    counts = result["restored"]
    how = "merged into" if args.merge else "restored into"
    print(
        f"{counts['accounts']} accounts, {counts['timers']} timers, {counts['deliveries']} deliveries "
        f"{how} {args.target} ({result['duration_ms']} ms)"
    )
    return EXIT_DONE


def _refused(response: Any) -> int:
    try:
        body = response.json()
        message = body.get("error") or response.text
    except ValueError:
        message = response.text.strip()[:500]
    if response.status_code == 401:
        message += f" (give --control-token, or set {TOKEN_VARIABLE})"
    return _fail(f"the server answered {response.status_code}: {message}", EXIT_REFUSED)


def _fail(message: str, code: int) -> int:
    print(f"mockpost snapshot: {message}", file=sys.stderr)
    return code
