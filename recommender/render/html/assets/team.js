/* The team page's table: filter, sort and page through every row of script#rows-data. The state lives in
   the URL query (?winner=jax&sort=-margin&page=2), so a filtered view can be bookmarked or shared. */
"use strict";

(() => {
  const table = readJson("rows-data");
  const tbody = document.querySelector("#rows tbody");
  if (!table || !tbody) return;
  const PAGE = 100;
  const KEYS = ["winner", "q", "close", "confidence"];
  const CONFIDENCE = { clear: 0, close: 1, none: 2 };
  const col = Object.fromEntries(table.columns.map((c, i) => [c, i]));
  const frameworks = new Map(table.frameworks.map((f, i) => [f.id, { name: f.name, index: i }]));
  const form = document.getElementById("filters");
  const hasConfidence = document.querySelector('#rows th [data-sort="confidence"]') !== null;
  const state = readState();

  const nameOf = (id) => (frameworks.has(id) ? frameworks.get(id).name : id);

  /* The view in the URL, each value checked against what the page offers: a filter's value must
     be one of its control's (a select's options; the search box's maxlength), the sort one of
     the columns' buttons, the page a whole number. Anything else (a link from an older page,
     a typo, a pasted fragment) is dropped, so it cannot empty the table. */
  function readState() {
    const query = new URLSearchParams(location.search);
    const out = { sort: "row", page: 1 };
    for (const key of KEYS) out[key] = offered(key, query.get(key)) ? query.get(key) : "";
    const sort = query.get("sort") || "";
    if (sortable().has(sort.replace(/^-/, ""))) out.sort = sort;
    const page = query.get("page") || "";
    if (/^[0-9]{1,9}$/.test(page) && Number(page) >= 1) out.page = Number(page);
    return out;
  }

  function offered(key, value) {
    const control = form.querySelector(`[data-filter="${key}"]`);
    if (!value || !control) return false;
    if (control.tagName === "SELECT") return [...control.options].some((o) => o.value === value);
    return control.maxLength < 0 || value.length <= control.maxLength;
  }

  function sortable() {
    const buttons = document.querySelectorAll("#rows th button[data-sort]");
    return new Set([...buttons].map((b) => b.dataset.sort));
  }

  function writeState() {
    const query = new URLSearchParams();
    for (const key of KEYS) if (state[key]) query.set(key, state[key]);
    if (state.sort !== "row") query.set("sort", state.sort);
    if (state.page > 1) query.set("page", String(state.page));
    const text = query.toString();
    history.replaceState(null, "", (text ? "?" + text : location.pathname) + location.hash);
  }

  function verdict(r) {
    const kind = r[col.outcome];
    if (kind === "tie") return "tie: " + r[col.tie].map(nameOf).join(", ");
    if (kind === "none") return "none fits";
    if (kind === "undecided") return "no recommendation";
    if (kind === "error") return "error";
    return nameOf(kind);
  }

  function isClose(r) {
    const margin = r[col.margin];
    if (r[col.outcome] === "tie") return true;
    return frameworks.has(r[col.outcome]) && typeof margin === "number" && margin <= Number(state.close);
  }

  function keep(r, needle) {
    if (state.winner && r[col.outcome] !== state.winner) return false;
    if (state.confidence && r[col.confidence] !== state.confidence) return false;
    if (state.close && !isClose(r)) return false;
    return !needle || String(r[col.profile] ?? "").toLowerCase().includes(needle);
  }

  function sortKey(name) {
    if (name.startsWith("score:")) {
      const at = frameworks.has(name.slice(6)) ? frameworks.get(name.slice(6)).index : -1;
      return (r) => (at < 0 ? null : r[col.scores][at]);
    }
    if (name === "winner") return (r) => verdict(r).toLowerCase();
    if (name === "confidence") return (r) => CONFIDENCE[r[col.confidence]] ?? null;
    if (name === "profile" || name === "stack") return (r) => String(r[col[name]] ?? "").toLowerCase();
    const at = col[name] ?? col.row;
    return (r) => r[at];
  }

  /* Missing values sort last either way; equal ones keep the input order. */
  function sorted(list) {
    const descending = state.sort.startsWith("-");
    const key = sortKey(state.sort.replace(/^-/, ""));
    const keyed = list.map((r) => [key(r), r]);
    keyed.sort(([a, ra], [b, rb]) => {
      if (a === b || (a == null && b == null)) return ra[col.row] - rb[col.row];
      if (a == null) return 1;
      if (b == null) return -1;
      const order = a < b ? -1 : 1;
      return descending ? -order : order;
    });
    return keyed.map(([, r]) => r);
  }

  function cell(text, cls) {
    return h("td", { class: cls || null }, text == null ? "" : String(text));
  }

  function rowElement(r) {
    const error = r[col.outcome] === "error";
    // a framework a deal-breaker excludes is marked, as recommend marks it (✗): without the mark a
    // winner scoring below it read as a mistake
    const out = col.excluded === undefined ? [] : r[col.excluded] || [];
    const scores = table.frameworks.map((f, i) => {
      if (error) return cell("", "num");
      if (!out.includes(f.id)) return cell(signedOrBlank(r[col.scores][i]), "num");
      const td = cell(signedOrBlank(r[col.scores][i]) + " \u2717", "num excluded");
      td.title = "excluded by a deal-breaker";
      return td;
    });
    const tr = h("tr", { class: error ? "error" : null, "data-row": r[col.row], "data-outcome": r[col.outcome] },
      cell(r[col.row], "num"),
      h("td", { class: "name", title: r[col.profile] ?? "" }, h("bdi", {}, String(r[col.profile] ?? ""))),
      cell(verdict(r)), cell(r[col.stack]), cell(error ? "" : r[col.margin], "num"),
      hasConfidence ? cell(r[col.confidence]) : null, scores, cell(r[col.error], error ? "msg" : null));
    return tr;
  }

  /* 10000 -> "10,000" without Intl, whose first use costs tens of milliseconds. */
  function grouped(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function signedOrBlank(x) {
    return typeof x === "number" ? signed(x) : "";
  }

  function render() {
    const needle = state.q.trim().toLowerCase();
    const shown = sorted(table.rows.filter((r) => keep(r, needle)));
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    state.page = Math.min(state.page, pages);
    const start = (state.page - 1) * PAGE;
    tbody.replaceChildren(...shown.slice(start, start + PAGE).map(rowElement));
    const last = Math.min(start + PAGE, shown.length);
    document.getElementById("table-status").textContent = shown.length
      ? `Showing ${grouped(start + 1)}\u2013${grouped(last)} of ` +
        `${grouped(shown.length)} matching rows (${grouped(table.rows.length)} in all).`
      : `No row matches (${grouped(table.rows.length)} in all).`;
    document.getElementById("page-label").textContent = `page ${state.page} of ${pages}`;
    document.querySelector('[data-page="prev"]').disabled = state.page <= 1;
    document.querySelector('[data-page="next"]').disabled = state.page >= pages;
    markSort();
    writeState();
  }

  function markSort() {
    const active = state.sort.replace(/^-/, "");
    for (const button of document.querySelectorAll("#rows th button[data-sort]")) {
      if (button.dataset.sort === active) {
        button.setAttribute("aria-sort", state.sort.startsWith("-") ? "descending" : "ascending");
      } else button.removeAttribute("aria-sort");
    }
  }

  function wire() {
    for (const control of form.querySelectorAll("[data-filter]")) {
      control.value = state[control.dataset.filter] || "";
      control.addEventListener("input", () => {
        state[control.dataset.filter] = control.value;
        state.page = 1;
        render();
      });
    }
    form.addEventListener("submit", (event) => event.preventDefault());
    for (const button of document.querySelectorAll("#rows th button[data-sort]")) {
      button.addEventListener("click", () => {
        const key = button.dataset.sort;
        state.sort = state.sort === key ? "-" + key : key;
        state.page = 1;
        render();
      });
    }
    for (const button of document.querySelectorAll("[data-page]")) {
      button.addEventListener("click", () => {
        state.page += button.dataset.page === "next" ? 1 : -1;
        render();
        document.getElementById("table").scrollIntoView({ block: "start" });
      });
    }
  }

  wire();
  render();
  performance.mark("table-rendered");
  requestAnimationFrame(() => setTimeout(() => performance.mark("table-painted"), 0));
  document.documentElement.dataset.ready = "1";
})();
