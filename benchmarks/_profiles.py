"""Shared by the benchmarks: seeded random profiles over a rule base, and a synthetic rule base.

The synthetic base (24 questions, 160 rules of every condition form) stands in for a grown knowledge
base, so the figures do not depend on the tiny test rules, where nearly every profile repeats.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from recommender.rulebase.model import RuleBase

FRAMEWORKS = Path(__file__).resolve().parent.parent / "tests" / "data" / "mini" / "frameworks.yaml"


def random_answers(rules: RuleBase, rng: random.Random) -> dict[str, Any]:
    """One valid profile: ~25% of questions unanswered, multi questions get 1..n options (an
    exclusive one alone), follow-ups sometimes stray."""
    answers: dict[str, Any] = {}
    for q in rules.questions:
        if rng.random() < 0.25:
            continue
        if q.kind == "multi":
            picked = rng.sample(q.option_ids, rng.choice((1, 1, 2, 3)))
            alone = [o.id for o in q.options if o.exclusive and o.id in picked]
            answers[q.id] = alone[:1] if alone else picked  # "none" stands alone
        elif q.kind == "yes_no":
            answers[q.id] = rng.choice([True, False, "yes", "no"])
        else:
            answers[q.id] = rng.choice(q.option_ids)
    return answers


def profiles(rules: RuleBase, n: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in range(n):
        yield {"name": f"p{i}", **random_answers(rules, rng)}


def write_jsonl(path: Path, rules: RuleBase, n: int, seed: int = 1) -> int:
    with open(path, "w", encoding="utf-8") as out:
        for p in profiles(rules, n, seed):
            out.write(json.dumps(p) + "\n")
    return path.stat().st_size


# The survey of issue 9, as its reproduction writes it: eight questions, each answered four times
# in five, and a deployment of one or two targets ("none" with another is a bad row, as in a real
# survey). Most rows are distinct, over fewer questions than random_answers asks.
SURVEY = {
    "audience": ["beginner", "researcher", "production"],
    "api_level": ["high", "low", "both"],
    "hardware": ["cpu", "nvidia_gpu", "tpu", "apple_silicon", "amd_gpu"],
    "parallelism": ["single_device", "multi_gpu", "multi_node"],
    "programming_style": ["object_oriented", "functional"],
    "custom_gradients": ["yes", "no"],
    "debugging": ["yes", "no"],
    "visualization": ["yes", "no"],
}
TARGETS = ["server", "mobile", "edge", "browser", "none"]


def write_survey(path: Path, rules: RuleBase, n: int, seed: int = 7) -> int:
    """Issue 9's survey of ``n`` rows (for the shipped rules; ``rules`` is not read)."""
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            a: dict[str, Any] = {q: rnd.choice(o) for q, o in SURVEY.items() if rnd.random() < 0.8}
            if rnd.random() < 0.8:
                a["deployment"] = rnd.sample(TARGETS, rnd.randint(1, 2))
            f.write(json.dumps({"name": f"p{i}", "answers": a}) + "\n")
    return path.stat().st_size


def write_csv(path: Path, rules: RuleBase, n: int, seed: int = 1) -> int:
    import csv

    ids = [q.id for q in rules.questions]
    with open(path, "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["name", *ids])
        for p in profiles(rules, n, seed):
            w.writerow([p["name"], *(_cell(p.get(q)) for q in ids)])
    return path.stat().st_size


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def synthetic_rules(directory: Path, questions: int = 24, rules: int = 160, seed: int = 7) -> Path:
    """A bigger rule base: single, multi, yes/no and follow-up questions, every condition form."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    frameworks = yaml.safe_load(FRAMEWORKS.read_text())
    for f in frameworks["frameworks"]:
        for c in f.get("companions", []):
            if "pick_when" in c:
                c["pick_when"] = {"q0": ["o0", "o1"]}
    (directory / "frameworks.yaml").write_text(yaml.safe_dump(frameworks, sort_keys=False))
    qs = []
    for i in range(questions):
        kind = ("single", "multi", "single", "yes_no")[i % 4]
        q: dict[str, Any] = {
            "id": f"q{i}",
            "text": f"Question {i}?",
            "help": "Synthetic.",
            "kind": kind,
        }
        if kind != "yes_no":
            q["options"] = [
                {"id": f"o{j}", "label": f"Option {j}"} for j in range(rng.randint(3, 7))
            ]
        if i in (5, 11):
            q["ask_when"] = {f"q{i - 1}": "o0"}
        qs.append(q)
    opts = {q["id"]: [o["id"] for o in q.get("options", [{"id": "yes"}, {"id": "no"}])] for q in qs}

    def leaf() -> dict[str, Any]:
        qid = rng.choice(list(opts))
        pair = len(opts[qid]) > 3 and rng.random() < 0.2
        return {qid: rng.sample(opts[qid], 2) if pair else rng.choice(opts[qid])}

    def when() -> dict[str, Any]:
        roll = rng.random()
        if roll < 0.7:
            return leaf()
        if roll < 0.85:
            return {"all": [leaf(), leaf()]}
        if roll < 0.91:
            return {"any": [leaf(), leaf()]}
        if roll < 0.95:
            return {"not": leaf()}
        return {"unanswered": rng.choice(list(opts))}

    out = []
    for i in range(rules):
        rule: dict[str, Any] = {
            "id": f"r{i}",
            "when": when(),
            "because": f"Synthetic reason {i}.",
            "source": "bench",
        }
        if rng.random() < 0.04:
            rule["when"] = {"all": [leaf(), leaf()]}
            rule["dealbreaker"] = [rng.choice(["tensorflow", "pytorch", "jax"])]
        else:
            rule["score"] = {
                f: rng.choice([-3, -2, -1, 0.5, 1, 2, 3, 4])
                for f in rng.sample(["tensorflow", "pytorch", "jax"], rng.randint(1, 3))
            }
        out.append(rule)
    (directory / "questions.yaml").write_text(yaml.safe_dump({"questions": qs}, sort_keys=False))
    (directory / "scoring.yaml").write_text(yaml.safe_dump({"rules": out}, sort_keys=False))
    return directory
