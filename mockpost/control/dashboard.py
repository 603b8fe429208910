"""The page at `/`: what a developer sees when they browse the sandbox. Plain HTML, no scripts:
providers and their base URLs, the clock, recent requests, faults, webhook attempts and inboxes."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from mockpost import __version__
from mockpost.sandbox import Sandbox

RECENT = 25
STYLE = """body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
td,th{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top;font-size:.92rem}
code{background:#f4f4f4;padding:0 .2rem}.muted{color:#777}.bad{color:#b00020}.ok{color:#1b5e20}"""


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> str:
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    if not body:
        return f'<p class="muted">{html.escape(empty)}</p>'
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    return f"<table><tr>{head}</tr>{body}</table>"


def status_cell(status: int | None) -> str:
    if status is None:
        return '<span class="bad">no answer</span>'
    css = "ok" if 200 <= status < 400 else "bad"
    return f'<span class="{css}">{status}</span>'


def request_target(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def render_dashboard(sandbox: Sandbox, base: str) -> str:
    e = html.escape
    providers = table(
        ["Provider", "Base URL", "Docs"],
        (
            (
                e(p.title),
                f"<code>{e(base + p.mount)}</code>",
                f'<a href="{e(p.mount)}/openapi.json">openapi.json</a>',
            )
            for p in sandbox.providers.values()
        ),
        "No providers.",
    )
    clock = sandbox.describe_clock()
    entries = [entry.as_dict() for entry in sandbox.journal.query(limit=RECENT)][::-1]
    journal = table(
        ["Time", "Provider", "Request", "Status", "ms", "Fault"],
        (
            (
                e(item["at"]),
                e(item["provider"]),
                f"<code>{e(item['method'])} {e(request_target(item['path'], item['query']))}</code>",
                status_cell(item["status"]),
                f"{item['duration_ms']:.1f}",
                e(item["fault"] or ""),
            )
            for item in entries
        ),
        "No requests yet.",
    )
    faults = table(
        ["Id", "Matches", "Does", "Fired"],
        (
            (
                e(rule.id),
                f"<code>{e(rule.provider or '*')} {e(rule.method or '*')} {e(rule.path)}</code>",
                e(
                    ", ".join(
                        f"{k}={v}"
                        for k, v in rule.model_dump(include={"latency_ms", "status", "action"}).items()
                        if v is not None
                    )
                ),
                f"{rule.fired}" + (f" / {rule.times}" if rule.times else ""),
            )
            for rule in sandbox.faults.list()
        ),
        "No faults. Add one with POST /_mockpost/faults.",
    )
    attempts = sorted(
        (
            (delivery, attempt)
            for delivery in sandbox.outbox.deliveries()
            for attempt in delivery.attempts
        ),
        key=lambda pair: pair[1].id,
    )[-RECENT:][::-1]
    deliveries = table(
        ["Time", "Provider", "URL", "Attempt", "Answer"],
        (
            (
                e(attempt.at),
                e(delivery.provider),
                f"<code>{e(delivery.url)}</code>",
                str(attempt.number),
                status_cell(attempt.status) + (f" {e(attempt.error)}" if attempt.error else ""),
            )
            for delivery, attempt in attempts
        ),
        "No webhook deliveries yet.",
    )
    inboxes = table(
        ["Inbox", "Items"],
        (
            (f'<a href="/_mockpost/inbox/{e(name)}">{e(name)}</a>', str(count))
            for name, count in sandbox.inboxes.sizes()
        ),
        "No inboxes yet. POST anything to /_mockpost/inbox/NAME.",
    )
    mode = "strict (accounts file)" if sandbox.tenancy.strict else "open: every credential is its own account"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mockpost {__version__}</title><style>{STYLE}</style></head>
<body><h1>mockpost {__version__}</h1>
<p>A local, stateful sandbox of postal, hybrid-mail and logistics provider APIs.
Clock: <strong>{e(clock["now"])}</strong> ({"frozen" if clock["frozen"] else "running"}).
Accounts: {e(mode)}. Seed: {e(str(sandbox.settings.seed))}.</p>
<h2>Providers</h2>{providers}
<h2>Recent requests</h2>{journal}
<h2>Faults</h2>{faults}
<h2>Webhook attempts</h2>{deliveries}
<h2>Inboxes</h2>{inboxes}
<h2>Control plane</h2>
<p><code>{e(base)}/_mockpost</code> &mdash; <a href="/_mockpost/openapi.json">openapi.json</a>,
<a href="/_mockpost/clock">clock</a>, <a href="/_mockpost/journal?limit=50">journal</a>,
<a href="/_mockpost/faults">faults</a>, <a href="/_mockpost/webhooks/deliveries">webhook deliveries</a>,
<a href="/_mockpost/providers">providers and lifecycles</a>.</p>
</body></html>"""


def render_login(action: str, next_path: str, problem: str) -> str:
    """The console's login form: the control token, POSTed to `action`, then back to `next_path`."""
    e = html.escape
    message = f'<p class="bad">{e(problem)}</p>' if problem else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mockpost: control token</title><style>{STYLE}
form{{max-width:24rem}}
input{{font:inherit;padding:.3rem;width:100%;box-sizing:border-box;margin:.3rem 0}}</style>
</head><body><h1>mockpost {__version__}</h1>
<p>This sandbox's console and control plane need its control token
(<code>--control-token</code>, <code>MOCKPOST_CONTROL_TOKEN</code>).</p>{message}
<form method="post" action="{e(action)}">
<label for="token">Control token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="{e(next_path)}">
<input type="submit" value="Open the console">
</form></body></html>"""
