// mockpost console: plain JavaScript, no framework, no build step. Every view reads the control
// plane's JSON API (URLs relative to <base>, so a path prefix works) and refreshes itself when the
// event stream (_mockpost/events) says something it shows has changed.
"use strict";

(() => {
  const CONTROL = "_mockpost/";
  const PAGE_SIZE = 25;
  const state = { clock: null, clockAt: 0, providers: [], view: null, refreshTimer: 0 };

  // -- small helpers ----------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(el.dataset, value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }
  const enc = encodeURIComponent;
  const $ = (selector, root = document) => root.querySelector(selector);

  async function api(path, options = {}) {
    const init = { credentials: "same-origin", headers: {}, ...options };
    if (options.json !== undefined) {
      init.body = JSON.stringify(options.json);
      init.headers = { "content-type": "application/json", ...init.headers };
      init.method = init.method || "POST";
    }
    const response = await fetch(CONTROL + path, init);
    if (response.status === 401) { location.reload(); throw new Error("the control token is needed"); }
    if (response.status === 204) return null;
    const type = response.headers.get("content-type") || "";
    const body = type.includes("json") ? await response.json() : await response.text();
    if (!response.ok) {
      const detail = body && body.detail ? ` (${typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)})` : "";
      throw new Error(`${response.status}: ${(body && body.error) || body}${detail}`);
    }
    return body;
  }

  function notify(message, bad = false) {
    const box = $("#notice");
    box.textContent = message;
    box.className = bad ? "notice bad" : "notice";
    box.hidden = false;
    clearTimeout(notify.timer);
    notify.timer = setTimeout(() => { box.hidden = true; }, bad ? 9000 : 4000);
  }

  async function act(work, done) {
    try {
      const result = await work();
      if (done) notify(typeof done === "function" ? done(result) : done);
      refreshSoon(0);
      return result;
    } catch (error) {
      notify(error.message, true);
      return undefined;
    }
  }

  const GOOD = /^(completed|delivered|posted|printed|closed|transferred|ok|done|sent|confirmed|success|processed|accepted)/i;
  const BAD = /(fail|cancel|error|refus|reject|expired|deleted|returned|undeliver)/i;
  const BUSY = /(pending|waiting|awaiting|processing|progress|transit|queued|created|opened|new|draft)/i;
  function badge(value) {
    const text = String(value);
    const tone = BAD.test(text) ? "s-bad" : GOOD.test(text) ? "s-good" : BUSY.test(text) ? "s-busy" : "s-new";
    return h("span", { class: `badge ${tone}` }, text);
  }
  function statusText(status) {
    if (!status) return h("span", { class: "bad" }, "no answer");
    return h("span", { class: status < 400 ? "ok" : "bad" }, status);
  }

  function virtualNow() {
    if (!state.clock) return Date.now();
    const at = Date.parse(state.clock.now);
    return state.clock.frozen ? at : at + (Date.now() - state.clockAt);
  }
  function span(seconds) {
    let rest = Math.max(0, Math.round(seconds));
    const parts = [];
    for (const [unit, size] of [["d", 86400], ["h", 3600], ["min", 60], ["s", 1]]) {
      if (rest >= size || (unit === "s" && !parts.length)) {
        parts.push(`${Math.floor(rest / size)} ${unit}`);
        rest %= size;
      }
      if (parts.length === 2) break;
    }
    return parts.join(" ");
  }
  function relative(iso) {
    const seconds = (Date.parse(iso) - virtualNow()) / 1000;
    return seconds >= 0 ? `in ${span(seconds)}` : `${span(-seconds)} ago`;
  }
  function pretty(text) {
    if (typeof text !== "string") return JSON.stringify(text, null, 2);
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
  }
  function table(columns, rows, empty, onRow) {
    if (!rows.length) return h("p", { class: "muted" }, empty);
    return h("table", { class: "list" },
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c[0])))),
      h("tbody", {}, rows.map((row) => {
        const tr = h("tr", {}, columns.map((c) => h("td", { "data-label": c[0] }, c[1](row))));
        if (onRow) {
          tr.className = "clickable";
          tr.addEventListener("click", (event) => { if (!event.target.closest("a,button")) onRow(row); });
        }
        return tr;
      })));
  }
  function kv(pairs) {
    return h("dl", { class: "kv" }, pairs.filter((p) => p[1] !== null && p[1] !== undefined && p[1] !== "")
      .map(([key, value]) => [h("dt", {}, key), h("dd", {}, value)]));
  }
  function field(label, control) {
    return h("label", {}, label, control);
  }
  function select(name, options, value) {
    return h("select", { name }, options.map((o) => {
      const [v, text] = Array.isArray(o) ? o : [o, o];
      return h("option", { value: v, selected: String(v) === String(value ?? "") }, text);
    }));
  }
  const objectHref = (p, a, kind, id) => `#/objects/${enc(p)}/${enc(a)}/${enc(kind)}/${enc(id)}`;
  const accountHref = (p, a) => `#/accounts/${enc(p)}/${enc(a)}`;
  const objectPath = (p, a, kind, id) => `accounts/${enc(p)}/${enc(a)}/objects/${enc(kind)}/${enc(id)}`;

  // -- the clock in the header -----------------------------------------------------------------
  function showClock(clock) {
    state.clock = clock;
    state.clockAt = Date.now();
    paintClock();
  }
  function paintClock() {
    if (!state.clock) return;
    const now = new Date(virtualNow()).toISOString().replace(/\.\d{3}Z$/, "Z");
    $("#clock-now").textContent = now;
    $("#clock-now").setAttribute("datetime", now);
    $("#clock-mode").textContent = state.clock.frozen ? "frozen" : "running";
  }
  async function advance(duration) {
    const clock = await act(() => api("clock/advance", { json: { duration } }), (c) => `Advanced ${duration}: now ${c.now}`);
    if (clock) showClock(clock);
  }

  // -- live updates ------------------------------------------------------------------------------
  function connect() {
    const live = $("#live");
    const source = new EventSource(CONTROL + "events");
    source.onopen = () => { live.textContent = "live"; live.className = "live on"; };
    source.onerror = () => { live.textContent = "reconnecting"; live.className = "live off"; };
    source.addEventListener("hello", (e) => { showClock(JSON.parse(e.data)); refreshSoon(0); });
    source.addEventListener("clock", (e) => showClock(JSON.parse(e.data)));
    source.addEventListener("resync", () => refreshSoon(0));
    for (const type of ["request", "transition", "delivery", "reset"]) {
      source.addEventListener(type, (e) => {
        const data = JSON.parse(e.data);
        if (type === "reset") api("clock").then(showClock).catch(() => {});
        if (state.view && state.view.wants(type, data)) refreshSoon();
      });
    }
  }
  function refreshSoon(delay = 150) {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(() => { if (state.view) state.view.refresh().catch((e) => notify(e.message, true)); }, delay);
  }

  // -- views ---------------------------------------------------------------------------------------
  const views = {};

  views.overview = () => {
    const accounts = h("div", {}, h("p", { class: "muted" }, "Loading…"));
    const recent = h("div");
    const faults = h("div");
    const root = [
      h("h1", {}, "Overview"),
      h("section", { "aria-labelledby": "providers-heading" },
        h("h2", { id: "providers-heading" }, "Providers"),
        h("ul", { class: "providers" }, state.providers.map((p) =>
          h("li", {}, h("strong", {}, p.title), " ", h("code", {}, new URL(p.mount.slice(1), document.baseURI).href), " ",
            h("a", { href: p.openapi.slice(1) }, "openapi.json"))))),
      h("section", {}, h("h2", {}, "Accounts"), accounts),
      h("section", {}, h("h2", {}, "Recent requests"), recent),
      h("section", {}, h("h2", {}, "Faults"), faults),
    ];
    return {
      root,
      wants: (type) => type !== "delivery",
      async refresh() {
        const [acc, journal, rules] = await Promise.all([api("accounts"), api("journal?limit=10"), api("faults")]);
        accounts.replaceChildren(table(
          [["Provider", (a) => a.provider], ["Account", (a) => h("a", { href: accountHref(a.provider, a.account) }, a.label)],
            ["Objects", (a) => Object.entries(a.objects).map(([k, n]) => `${n} ${k}`).join(", ") || "none"]],
          acc.items, "No accounts yet: the first request with a credential creates one.",
          (a) => { location.hash = accountHref(a.provider, a.account); }));
        recent.replaceChildren(journalTable(journal.items.reverse(), "No requests yet."));
        faults.replaceChildren(faultTable(rules.items));
      },
    };
  };

  function journalTable(items, empty) {
    return table(
      [["#", (e) => h("a", { href: `#/journal/${e.id}` }, e.id)], ["Time", (e) => e.at], ["Provider", (e) => e.provider || "–"],
        ["Request", (e) => h("code", {}, `${e.method} ${e.path}${e.query ? "?" + e.query : ""}`)],
        ["Status", (e) => statusText(e.status)], ["ms", (e) => e.duration_ms.toFixed(1)], ["Fault", (e) => e.fault || ""]],
      items, empty, (e) => { location.hash = `#/journal/${e.id}`; });
  }
  function faultTable(rules, withRemove = false) {
    const columns = [["Id", (r) => r.id], ["Matches", (r) => h("code", {}, `${r.provider || "*"} ${r.method || "*"} ${r.path}`)],
      ["Does", (r) => ["status", "latency_ms", "action"].filter((k) => r[k] !== null && r[k] !== undefined)
        .map((k) => `${k}=${typeof r[k] === "object" ? JSON.stringify(r[k]) : r[k]}`).join(", ")],
      ["Fired", (r) => `${r.fired}${r.times ? " / " + r.times : ""}`]];
    if (withRemove) {
      columns.push(["", (r) => h("button", { type: "button", class: "danger", "aria-label": `Remove fault ${r.id}`,
        onclick: () => act(() => api(`faults/${enc(r.id)}`, { method: "DELETE" }), `Removed ${r.id}`) }, "Remove")]);
    }
    return table(columns, rules, "No faults.");
  }

  views.account = (provider, account) => {
    const filters = h("form", { class: "filters", role: "search", "aria-label": "Filter objects" });
    const list = h("div");
    const pager = h("div", { class: "pager" });
    let offset = 0;
    const lifecycles = (state.providers.find((p) => p.name === provider) || {}).lifecycles || [];
    const title = h("h1", {}, account);
    const root = [
      h("p", {}, h("a", { href: "#/" }, "Overview"), " › ", provider),
      title,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "danger", onclick: () => {
          if (confirm(`Reset ${provider} account ${account}? Its objects and timers are forgotten.`)) {
            act(() => api(`reset?provider=${enc(provider)}&tenant=${enc(account)}`, { method: "POST" }), "Account reset");
          }
        } }, "Reset this account")),
      h("h2", {}, "Objects"), filters, list, pager,
    ];
    let kinds = [];
    function drawFilters(values) {
      const states = new Set();
      for (const lc of lifecycles) if (!values.kind || lc.resource === values.kind) Object.keys(lc.transitions).forEach((s) => states.add(s));
      filters.replaceChildren(
        field("Kind", select("kind", [["", "any"], ...kinds], values.kind)),
        field("State", select("state", [["", "any"], ...[...states].sort()], values.state)),
        field("Text", h("input", { name: "q", value: values.q || "", placeholder: "id, name, city…", type: "search" })),
        h("button", { type: "submit", class: "primary" }, "Filter"));
    }
    filters.addEventListener("submit", (event) => { event.preventDefault(); offset = 0; refresh(); });
    filters.addEventListener("change", (event) => { if (event.target.name === "kind") { offset = 0; refresh(true); } });
    const values = () => Object.fromEntries(new FormData(filters).entries());
    async function refresh(redraw = false) {
      const v = kinds.length ? values() : {};
      if (!kinds.length || redraw) {
        const accounts = await api(`accounts?provider=${enc(provider)}`);
        const mine = accounts.items.find((a) => a.account === account);
        if (mine) { title.textContent = mine.label; kinds = Object.keys(mine.objects); }
        drawFilters(v);
      }
      const query = new URLSearchParams({ offset, limit: PAGE_SIZE });
      for (const key of ["kind", "state", "q"]) if (v[key]) query.set(key, v[key]);
      const page = await api(`accounts/${enc(provider)}/${enc(account)}/objects?${query}`);
      list.replaceChildren(table(
        [["Kind", (o) => o.kind], ["Id", (o) => h("a", { href: objectHref(provider, account, o.kind, o.id) }, o.id)],
          ["State", (o) => badge(o.state)], ["Created", (o) => o.created_at], ["Changed", (o) => o.updated_at]],
        page.items, "No objects match.", (o) => { location.hash = objectHref(provider, account, o.kind, o.id); }));
      const last = Math.min(offset + PAGE_SIZE, page.total);
      pager.replaceChildren(
        h("button", { type: "button", disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE_SIZE); refresh(); } }, "Previous"),
        h("span", {}, page.total ? `${offset + 1}–${last} of ${page.total}` : "0 objects"),
        h("button", { type: "button", disabled: last >= page.total, onclick: () => { offset += PAGE_SIZE; refresh(); } }, "Next"));
    }
    return {
      root,
      wants: (type, data) => type === "reset" || ((type === "transition" || type === "request") && data.provider === provider && data.account === account),
      refresh,
    };
  };

  views.object = (provider, account, kind, id) => {
    const body = h("div", {}, h("p", { class: "muted" }, "Loading…"));
    const details = h("div");
    let drawnDocuments = "";
    const documents = h("section", { "aria-label": "Letters and documents" });
    const accountLink = h("a", { href: accountHref(provider, account) }, account);
    const root = [h("p", { class: "crumbs" }, h("a", { href: "#/" }, "Overview"), " › ", accountLink, " › ", kind),
      body, documents, details];
    async function refresh() {
      let obj;
      try {
        obj = await api(objectPath(provider, account, kind, id));
      } catch (error) {
        body.replaceChildren(h("h1", {}, `${kind} ${id}`), h("p", { class: "bad" }, error.message));
        documents.replaceChildren();
        details.replaceChildren();
        drawnDocuments = "";
        return;
      }
      const reason = h("input", { name: "reason", placeholder: "reason (optional)" });
      const target = select("state", obj.transitions);
      const actions = h("form", { class: "actions", "aria-label": "Actions" },
        obj.transitions.length
          ? [field("Move to", target), reason, h("button", { type: "submit", class: "primary" }, "Force transition")]
          : h("span", { class: "muted" }, "No transition is allowed from this state."),
        obj.deletable && h("button", { type: "button", class: "danger", onclick: () => {
          if (confirm(`Delete ${kind} ${id}?`)) {
            act(() => api(objectPath(provider, account, kind, id), { method: "DELETE" }), "Deleted")
              .then(() => { location.hash = accountHref(provider, account); });
          }
        } }, "Delete"));
      actions.addEventListener("submit", (event) => {
        event.preventDefault();
        act(() => api(`${enc(provider)}/transition`, { json: { resource: kind, id, state: target.value, reason: reason.value || null, account } }),
          `Moved to ${target.value}`);
      });
      const related = h("ul");
      for (const r of obj.related) {
        related.append(h("li", {}, `${r.kind} `, h("a", { href: objectHref(provider, account, r.kind, r.id) }, r.id), " ",
          h("span", { "data-related": `${r.kind}/${r.id}` })));
      }
      accountLink.textContent = obj.label;
      body.replaceChildren(
        h("h1", {}, `${kind} `, h("span", { class: "mono" }, obj.id), " ", badge(obj.state)),
        kv([["Created", obj.created_at], ["Changed", obj.updated_at], ["Provider", provider], ["Account", obj.label]]),
        actions);
      details.replaceChildren(
        h("div", { class: "grid2" },
          h("section", {}, h("h2", {}, "History"),
            h("ol", { class: "timeline" }, obj.history.map((c) => h("li", {},
              h("time", { class: "when", datetime: c.at }, c.at),
              c.from ? [badge(c.from), " → "] : "created as ", badge(c.to), " ", h("span", { class: "muted" }, `(${c.cause})`),
              c.reason ? h("div", {}, c.reason) : null)))),
          h("section", {}, h("h2", {}, "Pending timers"),
            obj.timers.length
              ? h("ul", {}, obj.timers.map((t) => h("li", {}, h("strong", {}, t.action), ` ${relative(t.due)} `,
                h("span", { class: "muted" }, `(${t.due})`))))
              : h("p", { class: "muted" }, "Nothing is planned."),
            h("h2", {}, "Related"), obj.related.length ? related : h("p", { class: "muted" }, "None."))),
        h("h2", {}, "Wire JSON"), h("pre", { "aria-label": "Wire JSON" }, pretty(obj.wire)));
      fillRelatedStates(provider, account, obj.related);
      const signature = JSON.stringify([obj.documents, obj.address]);
      if (signature !== drawnDocuments) {  // the images stay when only the state changed
        drawnDocuments = signature;
        documents.replaceChildren(...drawDocuments(provider, account, kind, id, obj));
      }
    }
    return {
      root,
      wants: (type, data) => type === "reset" || type === "delivery" ||
        ((type === "transition" || type === "request") && data.provider === provider && data.account === account),
      refresh,
    };
  };

  async function fillRelatedStates(provider, account, related) {
    for (const kind of new Set(related.map((r) => r.kind))) {
      try {
        const page = await api(`accounts/${enc(provider)}/${enc(account)}/objects?kind=${enc(kind)}`);
        for (const o of page.items) {
          const slot = document.querySelector(`[data-related="${CSS.escape(`${kind}/${o.id}`)}"]`);
          if (slot) slot.replaceChildren(badge(o.state));
        }
      } catch { /* a kind the provider does not list: its links still work */ }
    }
  }

  function drawDocuments(provider, account, kind, id, obj) {
    if (!obj.documents.length && !obj.address) return [];
    const base = `${CONTROL}${objectPath(provider, account, kind, id)}/documents/`;
    const address = obj.address
      ? h("aside", { "aria-label": "Address block" }, h("h3", {}, "Address, as the provider read it"),
        h("address", {}, obj.address.join("\n")))
      : null;
    const letters = h("div");
    for (const doc of obj.documents) {
      const pages = h("div", { class: "pages" });
      letters.append(h("figure", { class: "card" },
        h("figcaption", {}, h("strong", {}, doc.name), ` — ${doc.role}, ${doc.mime}, ${doc.size} bytes · `,
          h("a", { href: `${base}${doc.index}`, download: doc.name }, "Download original")),
        pages));
      preview(doc, `${base}${doc.index}`, pages);
    }
    return [h("h2", {}, "Letters and documents"), h("div", { class: "letter" }, letters, address)];
  }

  async function preview(doc, url, into) {
    try {
      if (doc.mime === "application/pdf") {
        const info = await api(url.slice(CONTROL.length) + "/pages");
        for (let page = 1; page <= info.previewed; page++) {
          into.append(h("img", { src: `${url}/pages/${page}`, alt: `${doc.name}, page ${page} of ${info.pages}`, loading: page > 2 ? "lazy" : "eager" }));
        }
        if (info.pages > info.previewed) into.append(h("p", { class: "muted" }, `${info.pages - info.previewed} more pages: download the original.`));
      } else if (doc.mime.startsWith("image/") && doc.mime !== "image/svg+xml") {
        into.append(h("img", { src: `${url}?inline=true`, alt: doc.name }));
      } else if (/^(text\/|application\/(json|xml)|.*\+xml)/.test(doc.mime) || doc.mime.includes("zpl") || doc.mime.includes("epl")) {
        const response = await fetch(`${url}?inline=true`, { credentials: "same-origin" });
        into.append(h("pre", {}, pretty((await response.text()).slice(0, 200000))));
      } else {
        into.append(h("p", { class: "muted" }, "No preview for this kind of file: download it."));
      }
    } catch (error) {
      into.append(h("p", { class: "bad" }, `No preview: ${error.message}`));
    }
  }

  views.journal = () => {
    const filters = h("form", { class: "filters", role: "search", "aria-label": "Filter the journal" });
    const list = h("div");
    const pager = h("div", { class: "pager" });
    const pages = [];  // `before` of each page walked back through
    filters.append(
      field("Provider", select("provider", [["", "any"], ...state.providers.map((p) => p.name)])),
      field("Account", h("input", { name: "tenant", placeholder: "id, label or key", size: 14 })),
      field("Method", select("method", ["", "GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => [m, m || "any"]))),
      field("Status", h("input", { name: "status", inputmode: "numeric", size: 4 })),
      field("Path", h("input", { name: "path", placeholder: "/ekopost/campaigns/*", size: 18 })),
      h("button", { type: "submit", class: "primary" }, "Filter"));
    filters.addEventListener("submit", (event) => { event.preventDefault(); pages.length = 0; refresh(); });
    async function refresh() {
      const query = new URLSearchParams({ limit: PAGE_SIZE });
      for (const [key, value] of new FormData(filters).entries()) if (value) query.set(key, value);
      if (pages.length) query.set("before", pages[pages.length - 1]);
      const found = await api(`journal?${query}`);
      const items = found.items.reverse();
      list.replaceChildren(journalTable(items, "No requests match."));
      const oldest = items.length ? items[items.length - 1].id : null;
      pager.replaceChildren(
        h("button", { type: "button", disabled: !pages.length, onclick: () => { pages.pop(); refresh(); } }, "Newer"),
        h("span", {}, `${found.total} matching`),
        h("button", { type: "button", disabled: found.total <= items.length, onclick: () => { pages.push(oldest); refresh(); } }, "Older"));
    }
    return {
      root: [h("h1", {}, "Journal"), filters, list, pager],
      wants: (type) => (type === "request" && !pages.length) || type === "reset",
      refresh,
    };
  };

  views.entry = (entryId) => {
    const body = h("div", {}, h("p", { class: "muted" }, "Loading…"));
    async function refresh() {
      const guarded = document.body.dataset.guarded === "true";
      const e = await api(`journal/${enc(entryId)}${guarded ? "?secrets=show" : ""}`);
      const url = new URL((e.path + (e.query ? "?" + e.query : "")).replace(/^\//, ""), document.baseURI).href;
      const curl = curlOf(e, url);
      const curlBox = h("pre", { "aria-label": "curl command" }, curl);
      body.replaceChildren(
        h("h1", {}, `Request #${e.id}`),
        kv([["Request", h("code", {}, `${e.method} ${e.path}${e.query ? "?" + e.query : ""}`)], ["Status", statusText(e.status)],
          ["At (virtual)", e.at], ["Took", `${e.duration_ms} ms`], ["Provider", e.provider || "–"],
          ["Account", e.tenant && e.provider ? h("a", { href: accountHref(e.provider, e.tenant) }, e.tenant) : "–"],
          ["Fault", e.fault ? h("strong", { class: "bad" }, e.fault) : "none"]]),
        h("div", { class: "actions" }, h("button", { type: "button", onclick: () => copy(curl, curlBox) }, "Copy as curl")),
        curlBox,
        h("div", { class: "grid2" },
          h("section", {}, h("h2", {}, "Request"), headerTable(e.request_headers), h("h3", {}, "Body"),
            e.request_body ? h("pre", {}, pretty(e.request_body)) : h("p", { class: "muted" }, "Empty.")),
          h("section", {}, h("h2", {}, "Response"), headerTable(e.response_headers || {}), h("h3", {}, "Body"),
            e.response_body ? h("pre", {}, pretty(e.response_body)) : h("p", { class: "muted" }, "Empty."))));
    }
    return { root: [h("p", {}, h("a", { href: "#/journal" }, "Journal")), body], wants: () => false, refresh };
  };
  function headerTable(headers) {
    return table([["Header", (p) => p[0]], ["Value", (p) => h("code", {}, p[1])]], Object.entries(headers), "No headers.");
  }
  function curlOf(e, url) {
    const quote = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;
    const skip = new Set(["host", "content-length", "connection", "accept-encoding", "user-agent"]);
    const parts = ["curl", "-X", e.method, quote(url)];
    for (const [name, value] of Object.entries(e.request_headers)) if (!skip.has(name)) parts.push("-H", quote(`${name}: ${value}`));
    if (e.request_body) parts.push("--data-raw", quote(e.request_body));
    return parts.join(" ");
  }
  async function copy(text, box) {
    try {
      await navigator.clipboard.writeText(text);
      notify("Copied the curl command.");
    } catch {
      const range = document.createRange();
      range.selectNodeContents(box);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      notify("Selected: press Ctrl+C (the clipboard is only open to secure pages).");
    }
  }

  views.webhooks = () => {
    const deliveries = h("div");
    const inboxes = h("div");
    async function refresh() {
      const [outbox, boxes] = await Promise.all([api("webhooks/outbox"), api("inbox")]);
      deliveries.replaceChildren(...(outbox.items.length ? outbox.items.slice().reverse().map(deliveryCard)
        : [h("p", { class: "muted" }, "No webhook deliveries yet.")]));
      inboxes.replaceChildren(table([["Inbox", (b) => h("a", { href: `#/inbox/${enc(b.name)}` }, b.name)], ["Requests", (b) => b.count]],
        boxes.items, "No inboxes yet: point a webhook at /_mockpost/inbox/NAME."));
    }
    return {
      root: [h("h1", {}, "Webhooks"), h("h2", {}, "Inboxes"), inboxes, h("h2", {}, "Deliveries"), deliveries],
      wants: (type) => type === "delivery" || type === "reset",
      refresh,
    };
  };
  function deliveryCard(d) {
    const signatures = Object.entries(d.headers).filter(([name]) => /sign|hmac|digest/i.test(name));
    return h("article", { class: "card", "aria-label": `Delivery ${d.id}` },
      h("h3", {}, `${d.event} `, badge(d.state), " ", h("span", { class: "muted" }, d.id)),
      kv([["URL", h("code", {}, d.url)], ["Provider", d.provider], ["Account", d.tenant || "–"], ["Created", d.created_at],
        ["Signature", signatures.length ? signatures.map(([n, v]) => h("div", {}, h("code", {}, `${n}: ${v}`))) : "none"]]),
      table([["#", (a) => a.number], ["At (virtual)", (a) => a.at], ["Status", (a) => statusText(a.status)],
        ["Error", (a) => a.error || ""], ["ms", (a) => a.duration_ms]], d.attempts, "No attempt yet."),
      h("details", {}, h("summary", {}, "Body"), h("pre", {}, pretty(d.body))),
      h("div", { class: "actions" }, h("button", { type: "button", "aria-label": `Redeliver ${d.id}`,
        onclick: () => act(() => api(`webhooks/deliveries/${enc(d.id)}/redeliver`, { method: "POST" }), `Redelivered ${d.id}`) }, "Redeliver")));
  }

  views.inbox = (name) => {
    const list = h("div");
    async function refresh() {
      const box = await api(`inbox/${enc(name)}`);
      list.replaceChildren(...(box.items.length ? box.items.slice().reverse().map((item) => h("article", { class: "card" },
        h("h3", {}, `${item.method} ${item.path} `, h("span", { class: "muted" }, item.received_at)),
        h("details", {}, h("summary", {}, "Headers"), headerTable(item.headers)),
        h("pre", {}, pretty(item.body)))) : [h("p", { class: "muted" }, "Empty.")]));
    }
    return {
      root: [h("p", {}, h("a", { href: "#/webhooks" }, "Webhooks")), h("h1", {}, `Inbox ${name}`),
        h("button", { type: "button", class: "danger", onclick: () => act(() => api(`inbox/${enc(name)}`, { method: "DELETE" }), "Emptied") }, "Empty this inbox"),
        list],
      wants: (type) => type === "delivery" || type === "reset",
      refresh,
    };
  };

  views.controls = () => {
    const names = state.providers.map((p) => p.name);
    const clockState = h("p");
    const setForm = h("form", { class: "filters", "aria-label": "Set the clock" },
      field("Instant (ISO-8601)", h("input", { name: "at", placeholder: "2030-03-05T12:00:00Z", size: 22 })),
      h("button", { type: "submit" }, "Set"));
    setForm.addEventListener("submit", (event) => {
      event.preventDefault();
      act(() => api("clock/set", { json: { at: setForm.at.value } }).then(showClock), "Clock set");
    });
    const resetForm = h("form", { class: "filters", "aria-label": "Reset" },
      field("Provider", select("provider", [["", "every provider"], ...names])),
      field("Account", h("input", { name: "tenant", placeholder: "all accounts", size: 16 })),
      h("button", { type: "submit", class: "danger" }, "Reset"));
    resetForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const query = new URLSearchParams();
      if (resetForm.provider.value) query.set("provider", resetForm.provider.value);
      if (resetForm.tenant.value) query.set("tenant", resetForm.tenant.value);
      if (resetForm.tenant.value && !resetForm.provider.value) { notify("Choose the account's provider.", true); return; }
      const what = resetForm.tenant.value ? `account ${resetForm.tenant.value}` : resetForm.provider.value || "everything";
      if (confirm(`Reset ${what}?`)) act(() => api(`reset?${query}`, { method: "POST" }), `Reset ${what}`);
    });
    const faultForm = h("form", { class: "filters", "aria-label": "Add a fault" },
      field("Provider", select("provider", [["", "any"], ...names])),
      field("Method", select("method", ["", "GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => [m, m || "any"]))),
      field("Path (glob)", h("input", { name: "path", value: "/*", size: 14 })),
      field("Status", h("input", { name: "status", inputmode: "numeric", size: 4, placeholder: "503" })),
      field("Latency ms", h("input", { name: "latency_ms", inputmode: "numeric", size: 5 })),
      field("Action", select("action", [["", "answer"], ["malformed", "malformed body"], ["drop", "drop connection"]])),
      field("Times", h("input", { name: "times", inputmode: "numeric", size: 3, placeholder: "∞" })),
      h("button", { type: "submit", class: "primary" }, "Add fault"));
    faultForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const v = Object.fromEntries(new FormData(faultForm).entries());
      const spec = { path: v.path || "*" };
      if (v.provider) spec.provider = v.provider;
      if (v.method) spec.method = v.method;
      for (const key of ["status", "latency_ms", "times"]) if (v[key]) spec[key] = Number(v[key]);
      if (v.action) spec.action = v.action;
      act(() => api("faults", { json: spec }), (rule) => `Added ${rule.id}`);
    });
    const faults = h("div");
    const scenarioForm = h("form", { "aria-label": "Load a scenario" },
      field("Scenario file", h("input", { type: "file", name: "file", accept: ".yaml,.yml,.json" })),
      h("p", {}, field("…or its text", h("textarea", { name: "text", placeholder: "name: my world\nproviders: [ekopost]\n…" }))),
      h("p", { class: "actions" }, h("label", {}, h("input", { type: "checkbox", name: "reset", checked: true }), " reset first"),
        h("button", { type: "submit", class: "primary" }, "Load scenario")));
    scenarioForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const file = scenarioForm.file.files[0];
      const text = file ? await file.text() : scenarioForm.text.value;
      if (!text.trim()) { notify("Choose a scenario file or paste its text.", true); return; }
      act(() => api(`scenarios?reset=${scenarioForm.reset.checked}`, { method: "POST", body: text, headers: { "content-type": "application/yaml" } }),
        "Scenario loaded");
    });
    return {
      root: [h("h1", {}, "Controls"),
        h("section", {}, h("h2", {}, "Clock"), clockState,
          h("div", { class: "actions" },
            h("button", { type: "button", onclick: () => act(() => api("clock/freeze", { json: {} }).then(showClock), "Frozen") }, "Freeze"),
            h("button", { type: "button", onclick: () => act(() => api("clock/unfreeze", { method: "POST" }).then(showClock), "Running") }, "Unfreeze")),
          setForm),
        h("section", {}, h("h2", {}, "Reset"), resetForm),
        h("section", {}, h("h2", {}, "Faults"), faultForm, faults,
          h("button", { type: "button", class: "danger", onclick: () => act(() => api("faults", { method: "DELETE" }), "Removed every fault") }, "Remove every fault")),
        h("section", {}, h("h2", {}, "Scenario"), scenarioForm)],
      wants: (type) => type === "reset" || type === "request",
      async refresh() {
        const [clock, rules] = await Promise.all([api("clock"), api("faults")]);
        showClock(clock);
        clockState.replaceChildren(`Now ${clock.now}, `, h("strong", {}, clock.frozen ? "frozen" : "running"), ".");
        faults.replaceChildren(faultTable(rules.items, true));
      },
    };
  };

  // -- routing ------------------------------------------------------------------------------------
  function route() {
    const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
    const [name, ...args] = parts;
    const make = {
      "": views.overview, accounts: views.account, objects: views.object, journal: args.length ? views.entry : views.journal,
      webhooks: views.webhooks, inbox: views.inbox, controls: views.controls,
    }[name || ""] || views.overview;
    state.view = make(...args);
    $("#view").replaceChildren(...state.view.root);
    for (const link of document.querySelectorAll(".top nav a")) {
      const section = link.getAttribute("href").replace(/^#\/?/, "");
      const current = section === (name === "entry" ? "journal" : name || "") || (section === "" && ["accounts", "objects"].includes(name));
      if (current) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
    }
    state.view.refresh().catch((error) => notify(error.message, true));
  }

  async function start() {
    $("#advance-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("#advance-duration");
      if (!input.value.trim()) { notify("Type a duration, e.g. 2h30m.", true); input.focus(); return; }
      advance(input.value.trim());
    });
    for (const button of document.querySelectorAll("[data-advance]")) {
      button.addEventListener("click", () => advance(button.dataset.advance));
    }
    setInterval(paintClock, 1000);
    try {
      state.providers = (await api("providers")).items;
      showClock(await api("clock"));
    } catch (error) {
      notify(error.message, true);
    }
    window.addEventListener("hashchange", () => { route(); $("#main").focus({ preventScroll: true }); });
    route();
    connect();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
