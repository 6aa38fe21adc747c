"""QA pass 24 in a real chromium: the report's what-if ticks an option that stands alone
(``exclusive``) as ``ask`` and :func:`recommender.scoring.explore.unticks` do; the team page drops
filter values from the URL that are not valid, and still shows and filters its rows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from html_support import ROOT, answers_for, engine_view, random_rows
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import recommender
from browser.browserkit import Watched
from browser.test_report_page import page_view
from browser.test_team_page import shown_rows, team_page
from recommender.render.html.report import render_html
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.explore import alternatives
from recommender.scoring.result import rank
from recommender.scoring.table import table_for

SHIPPED = recommender.load_rules()
SLOW = settings(
    deadline=None,
    max_examples=20,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


@pytest.fixture(scope="module")
def tab(browser):
    seen = Watched.start(browser)
    yield seen
    seen.close()


def report(tmp: Path, rules: RuleBase, answers: dict) -> Path:
    path = tmp / "report.html"
    path.write_text(render_html(rank(answers, rules), rules), encoding="utf-8")
    return path


def ticked(page: Any, question: str) -> set[str]:
    return set(
        page.eval_on_selector_all(
            f'input[data-question="{question}"]:checked', "els => els.map(e => e.value)"
        )
    )


def recommend_view(*answers: str) -> dict[str, Any]:
    """The real ``recommender recommend --answer ...`` record, as :func:`page_view` shows it."""
    argv = [sys.executable, "-m", "recommender", "recommend", "-f", "json"]
    for a in answers:
        argv += ["--answer", a]
    env = {"PYTHONPATH": str(ROOT), "RECOMMENDER_RULES": "", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rec = json.loads(done.stdout)
    return {
        "winner": rec["winner"],
        "tie": rec["tie"],
        "order": [s["framework"] for s in rec["ranking"]],
        "scores": {s["framework"]: s["score"] for s in rec["ranking"]},
        "excluded": {s["framework"]: s["excluded"] for s in rec["ranking"]},
    }


def test_the_exclusive_options_are_marked_from_the_rule_base(tab, tmp_path: Path):
    page = tab.visit(report(tmp_path, SHIPPED, {})).page
    marked = page.eval_on_selector_all(
        "input[data-alone]", "els => els.map(e => [e.dataset.question, e.value])"
    )
    expected = [[q.id, o.id] for q in SHIPPED.questions for o in q.options if o.exclusive]
    assert expected and sorted(marked) == sorted(expected)


def test_ticking_none_unticks_the_others_and_back_as_recommend_scores(tab, tmp_path: Path):
    start = normalize_answers({"deployment": ["mobile", "server"]}, SHIPPED)
    path = report(tmp_path, SHIPPED, start)
    page = tab.visit(path).page
    page.set_checked('input[data-question="deployment"][value="none"]', True)
    assert ticked(page, "deployment") == {"none"}
    assert page_view(page) == recommend_view("deployment=none")
    page.set_checked('input[data-question="deployment"][value="mobile"]', True)
    assert ticked(page, "deployment") == {"mobile"}
    assert page_view(page) == recommend_view("deployment=mobile")
    tab.assert_clean(path)


def ticks(rules: RuleBase) -> st.SearchStrategy[tuple[str, str]]:
    """A multi question and one of its options, an exclusive one half the time."""
    multi = [q for q in rules.questions if q.kind == "multi"]
    alone = [(q.id, o.id) for q in multi for o in q.options if o.exclusive]
    return st.one_of(
        st.sampled_from(alone),
        st.sampled_from([(q.id, o) for q in multi for o in q.option_ids]),
    )


@SLOW
@given(data=st.data())
def test_a_tick_in_the_page_is_explores_tick(tab, tmp_path_factory, data):
    """The page's tick gives the answers :func:`explore.alternatives` gives (``unticks``), and
    the ranking the engine gives them."""
    start = data.draw(answers_for(SHIPPED), label="profile")
    question, option = data.draw(ticks(SHIPPED), label="tick")
    page = tab.visit(report(tmp_path_factory.mktemp("tick"), SHIPPED, start)).page
    box = f'input[data-question="{question}"][value="{option}"]'
    page.set_checked(box, not page.is_checked(box))
    table = table_for(SHIPPED)
    q = SHIPPED.question(question)  # the page shows every answer given, as ``given`` holds them
    raw = next(s for _, o, s in alternatives(table, q, table.encode(start)) if o == option)
    after = {**start, question: table.normal(raw).get(question, frozenset())}
    after = {k: v for k, v in after.items() if v}
    assert ticked(page, question) == set(after.get(question, ()))
    assert page_view(page) == engine_view(rank(after, SHIPPED, explore=False))


# -- the team page's state from the URL --------------------------------------------------------


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = random_rows(SHIPPED, 250, seed=24)
    return team_page(tmp_path_factory.mktemp("team24"), rows)


def state_of(page: Any) -> dict[str, Any]:
    """What the reader sees: the rows, the status, the pager and every filter control."""
    return {
        "rows": [r["row"] for r in shown_rows(page)],
        "status": page.text_content("#table-status"),
        "page": page.text_content("#page-label"),
        "filters": page.eval_on_selector_all(
            "[data-filter]", "els => els.map(e => [e.dataset.filter, e.value])"
        ),
        "sorted": page.eval_on_selector_all(
            "[aria-sort]", "els => els.map(e => [e.dataset.sort, e.getAttribute('aria-sort')])"
        ),
        "query": page.evaluate("location.search"),
    }


BAD = "x" * 5000
# A URL with values that are not valid, and the same view without them.
URLS = [
    ("?winner=flax", ""),
    ("?winner=%E0%A4%A", ""),
    ("?winner=constructor&confidence=__proto__", ""),
    ("?winner=jax&confidence=sure&close=abc", "?winner=jax"),
    ("?close=1&q=" + BAD, "?close=1"),
    ("?q=team-001&sort=__proto__", "?q=team-001"),
    ("?sort=score:nope&page=-3", ""),
    ("?sort=-margin&page=abc", "?sort=-margin"),
    ("?sort=-score:jax&page=2.5", "?sort=-score:jax"),
    ("?sort=-score:jax&page=2", "?page=2&sort=-score:jax"),
    ("?winner=pytorch&page=" + "9" * 400, "?winner=pytorch"),
    ("?winner=pytorch&page=999", "?winner=pytorch&page=999"),  # the last page
    ("?confidence=close&winner=%00%3Cimg%3E", "?confidence=close"),
    ("#winner=flax&x=%", "#winner=flax&x=%"),
]


@pytest.mark.parametrize(("url", "clean"), URLS, ids=[u[:40] for u, _ in URLS])
def test_values_from_the_url_that_are_not_valid_are_dropped(browser, team: Path, url, clean):
    got = Watched.open(browser, team, url)
    want = Watched.open(browser, team, clean)
    if clean.endswith("page=999"):  # a page past the end shows the last one
        _, n, _, pages = want.page.text_content("#page-label").split()
        assert n == pages != "1"
    assert state_of(got.page) == state_of(want.page)
    assert got.page.locator("#rows tbody tr").count() > 0
    got.assert_clean(team)
    got.close()
    want.close()


# -- right-to-left user text -------------------------------------------------------------------

RTL_NAME = "\u05e9\u05dc\u05d5\u05dd!"  # "shalom!": read right to left, the "!" ends up leftmost
X_OF = """([selector, ch]) => {
  const root = document.querySelector(selector);
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const at = node.data.indexOf(ch);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    return range.getBoundingClientRect().left;
  }
  return null;
}"""


def laid_out_right_to_left(page: Any, selector: str) -> bool:
    """Whether the name in ``selector`` is laid out as its own right-to-left text: its "!" left
    of its first letter. In the page's left-to-right line, unisolated, the "!" goes right."""
    bang = page.evaluate(X_OF, [selector, "!"])
    shin = page.evaluate(X_OF, [selector, RTL_NAME[0]])
    assert bang is not None and shin is not None
    return bool(bang < shin)


def test_a_right_to_left_name_is_isolated_in_the_report(tab, tmp_path: Path):
    rec = rank(normalize_answers({"audience": "beginner"}, SHIPPED), SHIPPED, profile=RTL_NAME)
    path = tmp_path / "report.html"
    path.write_text(render_html(rec, SHIPPED), encoding="utf-8")
    page = tab.visit(path).page
    assert page.text_content("#profile-name") == RTL_NAME
    assert laid_out_right_to_left(page, "header .kicker")
    assert page.title().endswith(f" for \u2068{RTL_NAME}\u2069")
    tab.assert_clean(path)


def test_a_right_to_left_name_is_isolated_in_the_team_table(browser, tmp_path: Path):
    rows = [{"name": RTL_NAME, "audience": "beginner"}, {"name": "lab", "audience": "researcher"}]
    path = team_page(tmp_path, rows)
    seen = Watched.open(browser, path)
    assert laid_out_right_to_left(seen.page, '#rows tr[data-row="1"] td.name')
    seen.assert_clean(path)
    seen.close()
