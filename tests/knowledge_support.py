"""What the knowledge QA tests share: the shipped rule base, one profile's JSON record, and the
points, scores and reasons read off it."""

from __future__ import annotations

from conftest import SHIPPED

import recommender

RULES = recommender.load_rules(base=SHIPPED)


def run(answers: dict) -> dict:
    """``recommend --format json`` for ``answers`` on the shipped rules."""
    return recommender.recommend(answers, rules=RULES).to_dict()


def points(d: dict) -> dict[str, dict[str, float]]:
    """Framework -> rule -> the points it gave, from a record's ranking."""
    return {
        row["framework"]: {r["rule"]: r["points"] for r in row["reasons"]} for row in d["ranking"]
    }


def scores(d: dict) -> dict[str, float]:
    return {row["framework"]: row["score"] for row in d["ranking"]}


def words(text: str) -> str:
    """``text`` with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


def reasons(d: dict, framework: str) -> dict[str, str]:
    """Rule -> its reason's text (in :func:`words`), for one framework of a record."""
    row = next(r for r in d["ranking"] if r["framework"] == framework)
    return {r["rule"]: words(r["because"]) for r in row["reasons"]}


def fired(rec: recommender.Recommendation) -> set[str]:
    """The rules that gave any framework a reason in ``rec``."""
    return {r.rule for s in rec.ranking for r in s.reasons}


def rule_points(rec: recommender.Recommendation, framework: str) -> dict[str, float]:
    """Rule -> the points it gave ``framework``, read off the Recommendation itself."""
    entry = next(s for s in rec.ranking if s.framework == framework)
    return {r.rule: r.points for r in entry.reasons}


def stack(answers: dict) -> tuple[str | None, dict]:
    """The winner and the record's stack for ``answers`` on the shipped rules."""
    rec = recommender.recommend(answers, rules=RULES)
    return rec.winner, rec.to_dict()["stack"]


def recommendation(answers: dict) -> tuple[recommender.Recommendation, dict]:
    """The Recommendation for ``answers`` on the shipped rules, and its JSON record."""
    rec = recommender.recommend(answers, rules=RULES)
    return rec, rec.to_dict()


# A TensorFlow team with Keras 3 code on a multi-node GPU cluster (Keras 3 does not train
# multi-worker on TensorFlow)
KERAS3_CLUSTER = {
    "audience": "production",
    "team_knows": ["tensorflow"],
    "existing_code": "keras3",
    "hardware": "nvidia_gpu",
    "os": "linux",
    "parallelism": "multi_node",
}
