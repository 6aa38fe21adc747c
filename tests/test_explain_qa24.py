"""Why-not rows must name what their rules read (QA, stop 24): a net whose rules read several
questions showed as "None | unanswered" in the HTML report, and a probe fact's net gave no status
in the terminal or Markdown."""

from __future__ import annotations

import re

import pytest
from conftest import SHIPPED, shipped_with

import recommender
from recommender.render.html.labels import Names
from recommender.render.html.report import render_html
from recommender.render.markdown import render_markdown
from recommender.render.table import render_table
from recommender.scoring.export import export_rules

RULES = recommender.load_rules(base=SHIPPED)
# production-pytorch and production-tf read audience, llm_stage and hardware together
COMBINED = {"audience": "production", "deployment": ["browser"], "debugging": "yes"}


def why_not_rows(page: str) -> list[list[str]]:
    section = page[page.index('id="why-not"') :]
    section = section[: section.index("</section>")]
    rows = re.findall(r"<tr>(.*?)</tr>", section, re.S)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in rows]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in row] for row in cells]


def test_the_html_why_not_names_every_question_a_combined_net_reads():
    rec = recommender.recommend(COMBINED, rules=RULES)
    nets = rec.to_dict()["why_not"]["by_question"]
    combined = [n for n in nets if n["question"] is None and len(n["reads"]) > 1]
    assert combined  # the premise: a net over several questions
    rows = why_not_rows(render_html(rec, RULES))
    labels = {row[0]: row[1] for row in rows if len(row) == 4}
    assert "None" not in labels
    for n in combined:
        label = " + ".join(RULES.question(q).text for q in n["reads"])
        assert label in labels
        audience = next(o.label for o in RULES.question("audience").options if o.id == "production")
        assert labels[label].startswith(audience)


PROBED = """\
rules:
  - id: gpu-jax
    when: {probe: {"jax.gpu": ok}}
    score: {jax: 9}
    because: JAX saw a GPU here.
    source: s
  - id: no-gpu-jax
    when: {probe: {"jax.gpu": failed}}
    score: {pytorch: 9}
    because: JAX failed on the GPU here.
    source: s
"""


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> recommender.RuleBase:
    return shipped_with(tmp_path_factory.mktemp("probed"), "probe.yaml", PROBED)


@pytest.mark.parametrize("status", ["ok", "failed"])
def test_a_probe_facts_why_not_line_gives_its_status(probed, status):
    answers = {"audience": "researcher", "debugging": "yes"}
    rec = recommender.recommend(answers, rules=probed, facts={"jax.gpu": status})
    assert rec.why_not and ("probe:jax.gpu",) in [n.reads for n in rec.why_not.by_question]
    for text in (render_table(rec, probed, full=True), render_markdown(rec, probed)):
        assert f"probe:jax.gpu = {status}" in text


def test_the_html_shows_points_to_the_tie_tolerance_as_the_json_holds_them():
    # "%g" kept six significant digits: a gap of 10.333334 read "10.3333 points behind" while
    # the nets under it added up to 10.333334 (QA, stop 24)
    from recommender.render.html.labels import signed
    from recommender.render.html.reasons import why_not

    assert signed(10.333334) == "+10.333334" and signed(-1.5) == "\u22121.5"
    assert signed(1234567) == "+1234567"  # not +1.23457e+06
    data = {"why_not": {"framework": "jax", "gap": 10.333334, "by_question": []}}
    page = str(why_not(data, Names(export_rules(RULES))))
    assert "(10.333334 points behind)" in page


def test_the_team_page_counts_a_million_rows_in_full():
    # "%g" wrote 1,000,000 rows as "1e+06 rows" in the charts' text alternatives
    from collections import Counter

    from recommender.render.html.tally import Tally
    from recommender.render.html.team_page import _confidence

    tally = Tally(rows=1_000_001, confidence=Counter({"clear": 1_000_000, "close": 1}))
    text = str(_confidence(tally))
    assert "clear: 1,000,000 rows" in text and "e+06" not in text


def test_the_batch_table_and_lint_write_points_as_every_other_output():
    # two more "%+g" formats: the batch table wrote a 10.333334 score as +10.3333
    from recommender.batch.writers import _signed

    assert _signed(10.333334) == "+10.333334" and _signed(1234567.5) == "+1234567.5"
