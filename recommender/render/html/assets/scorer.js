/* The what-if scorer: the engine's rules (recommender/scoring/, one walk: scoring.table) over the
   exported rule base (recommender/scoring/export.py documents the format). Pure functions of
   (model, answers), where answers is a Map from question id to an array of option ids; an
   unanswered question is absent. */
"use strict";

const RecommenderScorer = (() => {
  const own = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

  function holds(node, answers) {
    if (node === true || node === false) return node;
    if (own(node, "any_of")) {
      const [question, options] = node.any_of;
      const got = answers.get(question);
      return got !== undefined && options.some((o) => got.includes(o));
    }
    if (own(node, "unanswered")) return !answers.has(node.unanswered);
    if (own(node, "all")) return node.all.every((p) => holds(p, answers));
    if (own(node, "any")) return node.any.some((p) => holds(p, answers));
    if (own(node, "not")) return !holds(node.not, answers);
    throw new Error("unknown condition: " + JSON.stringify(node));
  }

  /* Follow-up answers whose question no longer applies are dropped, in question order, each test
     seeing the answers left by the ones before (Table.applicable in scoring.table). */
  function applicable(model, given) {
    const answers = new Map(given);
    const ignored = [];
    for (const q of model.questions) {
      if (q.ask_when !== null && answers.has(q.id) && !holds(q.ask_when, answers)) {
        answers.delete(q.id);
        ignored.push(q.id);
      }
    }
    return { answers, ignored };
  }

  /* Python's round(x, 6): the exact binary value rounded half to even at the sixth decimal. */
  function round6(x) {
    if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x;
    const [whole, frac] = Math.abs(x).toFixed(100).split(".");
    const rest = frac.slice(6);
    const half = "5" + "0".repeat(rest.length - 1);
    let n = BigInt(whole + frac.slice(0, 6));
    if (rest > half || (rest === half && n % 2n === 1n)) n += 1n;
    const digits = n.toString().padStart(7, "0");
    const value = Number(digits.slice(0, -6) + "." + digits.slice(-6));
    return x < 0 ? -value : value;
  }

  function totals(model, answers) {
    const ids = model.frameworks.map((f) => f.id);
    const scores = ids.map(() => 0);
    const real = ids.map(() => 0); // without the lean's points
    const blocked = ids.map(() => false);
    const fired = [];
    for (const rule of model.rules) {
      if (!holds(rule.when, answers)) continue;
      fired.push(rule);
      ids.forEach((f, i) => {
        if (own(rule.points, f)) scores[i] += rule.points[f];
        if (own(rule.points, f) && !rule.lean) real[i] += rule.points[f];
        if (rule.dealbreaker.includes(f)) blocked[i] = true;
      });
    }
    return { ids, scores, real, blocked, fired };
  }

  /* Nothing but the lean separates them: none excluded, and the scores without the lean's points
     all equal (Outcome.lean_only); then no winner, every framework tied. */
  function leanOnly(t) {
    const real = t.real.map(round6);
    return t.ids.length > 1 && !t.blocked.some(Boolean) && real.every((s) => s === real[0]);
  }

  /* The one best framework not excluded, compared rounded to 6 decimals, else the tie
     (scoring.decide). */
  function decide(ids, scores, blocked) {
    const open = ids.map((f, i) => [round6(scores[i]), f, i]).filter(([, , i]) => !blocked[i]);
    if (open.length === 0) return { winner: null, tie: [] };
    const best = Math.max(...open.map(([s]) => s));
    const top = open.filter(([s]) => s === best).map(([, f]) => f);
    return top.length === 1 ? { winner: top[0], tie: [] } : { winner: null, tie: top };
  }

  /* Excluded last, then score (rounded) descending, then rule-base order (Outcome.order in
     scoring.table). */
  function standings(model, t) {
    const rows = t.ids.map((f, i) => ({
      framework: f,
      name: model.frameworks[i].name,
      score: t.scores[i],
      excluded: t.blocked[i],
      index: i,
      reasons: t.fired
        .filter((r) => own(r.points, f) && r.points[f])
        .map((r) => ({
          rule: r.id, points: r.points[f], because: r.because, source: r.source, lean: !!r.lean,
        }))
        .sort((a, b) => b.points - a.points),
      dealbreakers: t.fired.filter((r) => r.dealbreaker.includes(f)).map((r) => r.id),
    }));
    return rows.sort(
      (a, b) => a.excluded - b.excluded || round6(b.score) - round6(a.score) || a.index - b.index
    );
  }

  function companion(model, winner, answers) {
    const framework = model.frameworks.find((f) => f.id === winner);
    if (!framework) return null;
    const pick = framework.companions.find(
      (c) => c.status === "active" && (c.pick_when === null || holds(c.pick_when, answers))
    );
    return pick || null;
  }

  function score(model, given) {
    const { answers, ignored } = applicable(model, given);
    const t = totals(model, answers);
    const undecided = leanOnly(t);
    const { winner, tie } = undecided
      ? { winner: null, tie: t.ids.slice() }
      : decide(t.ids, t.scores, t.blocked);
    return {
      answers,
      ignored,
      winner,
      tie,
      undecided,
      ranking: standings(model, t),
      companion: companion(model, winner, answers),
      fired: t.fired.map((r) => r.id),
    };
  }

  /* Denormalised profile answers ({q: "opt"} or {q: ["a", "b"]}) as the scorer's Map. */
  function answerMap(model, raw) {
    const answers = new Map();
    for (const q of model.questions) {
      if (!raw || !own(raw, q.id)) continue;
      const value = raw[q.id];
      const list = (Array.isArray(value) ? value : [value]).map(String);
      if (list.length) answers.set(q.id, list);
    }
    return answers;
  }

  return { holds, applicable, round6, decide, score, answerMap };
})();
