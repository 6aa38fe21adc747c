/* The report's what-if: a control per question, and the ranking recomputed in the page on every change
   by RecommenderScorer from the exported rules (script#rules-data). */
"use strict";

(() => {
  const data = readJson("report-data") || {};
  const model = readJson("rules-data");
  const form = document.getElementById("whatif-form");
  if (!model || !form) return;
  // The answers as given: those that apply, and the answers to follow-ups that do not apply yet
  // (JSON "ignored"), so that opening such a follow-up here brings its answer back, as the same
  // change in the profile file would (and as the report's "What would change this" counts it).
  const applying = data.answers && typeof data.answers === "object" ? data.answers : {};
  const given = Object.assign({}, applying);
  for (const dropped of Array.isArray(data.ignored) ? data.ignored : []) {
    if (dropped && typeof dropped.question === "string") given[dropped.question] = dropped.answer;
  }
  const initial = RecommenderScorer.answerMap(model, given);
  const reported = {
    winner: typeof data.winner === "string" ? data.winner : null,
    tie: Array.isArray(data.tie) ? data.tie.map(String) : [],
    // confidence "none": every framework is in "tie", but the report names no winner, not a tie
    undecided: data.confidence === "none",
  };
  const names = new Map(model.frameworks.map((f) => [f.id, isolated(f.name)]));
  const nameOf = (id) => names.get(id) || id;

  function control(q) {
    const current = initial.get(q.id) || [];
    if (q.kind === "multi") {
      const boxes = q.options.map((o) =>
        h("label", {},
          h("input", { type: "checkbox", value: o.id, "data-question": q.id,
            "data-alone": o.exclusive === true, checked: current.includes(o.id) }),
          " " + o.label)
      );
      return h("fieldset", { "aria-label": q.text }, boxes);
    }
    const select = h("select", { "data-question": q.id, "aria-label": q.text },
      h("option", { value: "" }, "\u2014 not answered"),
      q.options.map((o) => h("option", { value: o.id, selected: current.includes(o.id) }, o.label)));
    return select;
  }

  function build() {
    for (const q of model.questions) {
      form.append(h("div", { class: "q", "data-q": q.id, title: q.help || null },
        h("span", { class: "qtext" }, q.text), control(q), h("span", { class: "note" })));
    }
    form.addEventListener("change", (event) => {
      untick(event.target);
      update();
    });
    document.getElementById("whatif-reset").addEventListener("click", reset);
  }

  /* A tick stays an answer recommend accepts, as ask ticks (explore.unticks): an option that
     stands alone (data-alone, "none") unticks the others, and another option unticks it. */
  function untick(box) {
    if (box.type !== "checkbox" || !box.checked) return;
    const alone = box.hasAttribute("data-alone");
    for (const other of form.querySelectorAll("input[data-question]")) {
      if (other.dataset.question !== box.dataset.question || other === box) continue;
      if (alone || other.hasAttribute("data-alone")) other.checked = false;
    }
  }

  function answers() {
    const out = new Map();
    for (const q of model.questions) {
      const chosen = [...form.querySelectorAll("[data-question]")]
        .filter((n) => n.dataset.question === q.id)
        .flatMap((n) => (n.type === "checkbox" ? (n.checked ? [n.value] : []) : n.value ? [n.value] : []));
      if (chosen.length) out.set(q.id, chosen);
    }
    return out;
  }

  function same(a, b) {
    return (a || []).slice().sort().join(" ") === (b || []).slice().sort().join(" ");
  }

  /* The outcome in the words of the report's "What would change this" (labels.Names.outcome);
     the words for no recommendation come from the page (text.UNDECIDED), not written here. */
  function outcome(result) {
    if (result.winner) return nameOf(result.winner);
    if (result.undecided) return document.getElementById("whatif-winner").dataset.undecided;
    if (result.tie.length) return "a tie between " + andList(result.tie.map(nameOf));
    return "no framework (every one is excluded)";
  }

  function andList(items) {
    return items.length <= 1 ? items.join("") : items.slice(0, -1).join(", ") + " and " + items.at(-1);
  }

  function update() {
    const given = answers();
    const result = RecommenderScorer.score(model, given);
    markQuestions(given, result);
    render(result);
  }

  function markQuestions(given, result) {
    for (const box of form.querySelectorAll(".q")) {
      const id = box.dataset.q;
      const q = model.questions.find((x) => x.id === id);
      const asked = q.ask_when === null || RecommenderScorer.holds(q.ask_when, result.answers);
      box.classList.toggle("changed", !same(given.get(id), initial.get(id)));
      box.classList.toggle("not-asked", !asked);
      box.querySelector(".note").textContent = asked ? "" : result.ignored.includes(id)
        ? "not asked with these answers: ignored" : "not asked with these answers";
    }
  }

  function render(result) {
    const moved = result.winner !== reported.winner || !same(result.tie, reported.tie);
    const head = document.getElementById("whatif-winner");
    head.textContent = "With these answers: " + outcome(result) +
      (moved ? " (the report says " + outcome(reported) + ")" : " (as in the report)");
    head.dataset.winner = result.winner || "";
    head.dataset.tie = result.tie.join(" ");
    head.classList.toggle("changed", moved);
    renderRanking(result);
    renderReasons(result);
  }

  function renderRanking(result) {
    const top = Math.max(1, ...result.ranking.map((s) => Math.abs(s.score)));
    const items = result.ranking.map((s) =>
      h("li", { "data-framework": s.framework, "data-score": String(s.score), "data-excluded": String(s.excluded) },
        h("b", {}, h("bdi", {}, s.name)), " ", signed(s.score),
        s.excluded ? " \u2014 excluded by a deal-breaker (" + s.dealbreakers.join(", ") + ")" : "",
        s.framework === result.winner ? " \u25C0 winner" : "",
        barFor(s, top)));
    document.getElementById("whatif-ranking").replaceChildren(...items);
  }

  function barFor(standing, top) {
    const bar = h("span", { class: "bar", "aria-hidden": "true" });
    bar.style.width = (Math.abs(standing.score) / top) * 12 + "rem";
    bar.style.background = standing.excluded ? "var(--muted)" : "var(--fw-" + (standing.index % 6) + ")";
    return bar;
  }

  function renderReasons(result) {
    const lead = result.ranking.find((s) => s.framework === result.winner);
    const list = document.getElementById("whatif-reasons");
    const pick = result.companion ? "Companion: " + isolated(result.companion.name) + ". " : "";
    const reasons = lead ? lead.reasons.slice(0, 5) : [];
    list.replaceChildren(
      h("p", { class: "muted" }, pick + (lead ? "Top reasons for " + nameOf(lead.framework) + ":" : "")),
      // a default lean's points are marked, as in the report's own lists (text.LEAN)
      // the rule's text isolated (<bdi>), as in the report's lists: an override in it stays in it
      h("ul", {}, reasons.map((r) => h("li", {}, h("b", {}, signed(r.points)),
        " " + (r.lean ? "(lean) " : ""), h("bdi", {}, r.because))))
    );
  }

  function reset() {
    for (const node of form.querySelectorAll("[data-question]")) {
      const chosen = initial.get(node.dataset.question) || [];
      if (node.type === "checkbox") node.checked = chosen.includes(node.value);
      else node.value = chosen[0] || "";
    }
    update();
  }

  build();
  update();
  performance.mark("report-ready");
  document.documentElement.dataset.ready = "1";
})();
