"""The questionnaire flow with real keystrokes: prompt_toolkit pipe input and DummyOutput through
the seam."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from askkit import CTRL_C, DOWN, ENTER, SPACE, UP
from conftest import MINI, SHIPPED_RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from recommender import load_rules
from recommender.ask import resume
from recommender.ask.flow import Progress, Step, run_interview
from recommender.ask.prompts import QuestionaryPrompter, ask_multi
from recommender.rulebase.model import Question, RuleBase
from recommender.rulebase.profiles import load_profile, normalize_answers
from recommender.scoring.explore import could_change
from recommender.scoring.table import table_for


@pytest.fixture(scope="module")
def mini() -> RuleBase:
    return load_rules(base=MINI)


@pytest.fixture
def keys() -> Iterator:
    with create_pipe_input() as pipe:
        yield pipe


class Recording(QuestionaryPrompter):
    """The real prompter, noting which questions were put, in order."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.asked: list[str] = []

    def question(
        self, q: Question, default: frozenset[str] | None, step: Step
    ) -> frozenset[str] | None:
        self.asked.append(q.id)
        return super().question(q, default, step)


def interview(rules: RuleBase, keys, typed: Sequence[str], **options):
    keys.send_text("".join(typed))
    prompter = Recording(input=keys, output=DummyOutput())
    progress = options.pop("progress", None) or Progress()
    answers = run_interview(rules, prompter, progress, **options)
    return answers, prompter.asked, progress


def normal(rules: RuleBase, **raw) -> dict[str, frozenset]:
    return normalize_answers(raw, rules)


def test_full_interview_answers_every_question_in_file_order(mini, keys):
    typed = [
        DOWN + ENTER,  # audience: Researchers
        DOWN + SPACE + ENTER,  # deployment: Mobile
        DOWN + ENTER,  # os: Windows
        ENTER,  # custom_gradients: Yes
        ENTER,
    ]  # review: looks right
    answers, asked, _ = interview(mini, keys, typed)
    assert asked == ["audience", "deployment", "os", "custom_gradients"]
    assert answers == normal(
        mini, audience="researcher", deployment=["mobile"], os="windows", custom_gradients="yes"
    )


def test_not_sure_leaves_the_question_unanswered(mini, keys):
    typed = [
        UP + ENTER,  # audience: wraps round to "Not sure / skip"
        ENTER,  # deployment: nothing ticked
        DOWN + DOWN + ENTER,  # os: past the separator to "Not sure / skip"
        DOWN + ENTER,  # custom_gradients: No
        ENTER,
    ]
    answers, asked, progress = interview(mini, keys, typed)
    assert answers == normal(mini, custom_gradients="no")
    assert progress.visited == ["audience", "deployment", "os", "custom_gradients"]


def test_multi_select_ticks_several_and_opens_the_follow_up(mini, keys):
    typed = [
        ENTER,  # audience: Beginners
        SPACE + DOWN + DOWN + SPACE + ENTER,  # deployment: Server and Edge
        DOWN + ENTER,  # edge_target (asked because of Edge): Embedded Linux
        ENTER,
        ENTER,
        ENTER,
    ]
    answers, asked, _ = interview(mini, keys, typed)
    assert asked == ["audience", "deployment", "edge_target", "os", "custom_gradients"]
    assert answers["deployment"] == {"server", "edge"}
    assert answers["edge_target"] == {"embedded_linux"}


def test_ticking_not_sure_unticks_the_options_and_an_option_unticks_not_sure(mini, keys):
    typed = [
        ENTER,
        SPACE + UP + SPACE + DOWN + SPACE + ENTER,  # Server, then skip (Server unticked), Server
        ENTER,
        ENTER,
        ENTER,
    ]
    answers, _, _ = interview(mini, keys, typed)
    assert answers["deployment"] == {"server"}


def test_an_exclusive_option_unticks_the_others_and_back(keys):
    from recommender.ask.prompts import alone, ask_multi

    rules = load_rules()
    q = rules.question("deployment")
    exclusive = [o.id for o in q.options if o.exclusive]
    assert exclusive == ["none"] and "none" in alone(q)
    last = len(q.options) - 1  # "none" is the last option
    keys.send_text(SPACE + DOWN + SPACE + DOWN * (last - 1) + SPACE + ENTER)  # two, then none
    assert ask_multi(q, None, Step(1, 1), input=keys, output=DummyOutput()) == {"none"}


def test_an_option_unticks_an_exclusive_one(keys):
    from recommender.ask.prompts import ask_multi

    q = load_rules().question("deployment")
    keys.send_text(UP + UP + SPACE + DOWN * 2 + SPACE + ENTER)  # none, skip, wrap to the first
    picked = ask_multi(q, None, Step(1, 1), input=keys, output=DummyOutput())
    assert picked == {q.options[0].id}


def test_review_edits_an_answer_then_returns_to_the_review(mini, keys):
    typed = [
        DOWN + ENTER,
        DOWN + SPACE + ENTER,
        ENTER,
        ENTER,
        DOWN + ENTER,  # review: pick "Who is it for?" (the separator is skipped)
        DOWN + ENTER,  # the pointer starts on Researchers; one down is A production team
        ENTER,
    ]  # review again: looks right
    answers, asked, _ = interview(mini, keys, typed)
    assert asked == ["audience", "deployment", "os", "custom_gradients", "audience"]
    assert answers["audience"] == {"production"}


def test_review_edit_that_opens_a_follow_up_asks_it(mini, keys):
    typed = [
        ENTER,
        DOWN + SPACE + ENTER,
        ENTER,
        ENTER,
        DOWN + DOWN + ENTER,  # review: pick "Where will it run?"
        DOWN + DOWN + SPACE + ENTER,  # also tick Edge
        ENTER,  # edge_target, now asked: Microcontroller
        ENTER,
    ]
    answers, asked, _ = interview(mini, keys, typed)
    assert asked[-2:] == ["deployment", "edge_target"]
    assert answers["edge_target"] == {"microcontroller"}


def test_ctrl_c_keeps_progress_and_resume_carries_on(mini, keys, tmp_path: Path):
    keys.send_text(
        DOWN + ENTER + DOWN + SPACE + ENTER + CTRL_C
    )  # audience, deployment, then Ctrl-C on os
    progress = Progress()
    with pytest.raises(KeyboardInterrupt):
        run_interview(mini, Recording(input=keys, output=DummyOutput()), progress)
    assert progress.answers == normal(mini, audience="researcher", deployment=["mobile"])

    kept = resume.save(progress, mini, tmp_path / "resume.yaml")
    again = resume.load(mini, kept)
    assert again == progress
    answers, asked, _ = interview(mini, keys, [DOWN + ENTER, ENTER, ENTER], progress=again)
    assert asked == ["os", "custom_gradients"]
    assert answers == normal(
        mini, audience="researcher", deployment=["mobile"], os="windows", custom_gradients="yes"
    )


def test_from_profile_pre_selects_every_answer(mini, keys, tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "name: p\nanswers: {audience: production, deployment: [mobile, edge], "
        "edge_target: embedded_linux, os: windows, custom_gradients: no}\n"
    )
    profile = load_profile(str(path), mini)
    answers, asked, _ = interview(mini, keys, [ENTER] * 6, defaults=profile.answers)
    assert len(asked) == 5
    assert answers == profile.answers


def test_from_a_profile_enter_on_a_question_it_leaves_out_keeps_it_unanswered(
    mini, keys, tmp_path: Path
):
    """Issue 10: Enter on such a question picked the first option, an answer nobody gave."""
    path = tmp_path / "p.yaml"
    path.write_text("name: p\nanswers: {audience: researcher}\n")
    profile = load_profile(str(path), mini)
    answers, asked, _ = interview(mini, keys, [ENTER] * 5, defaults=profile.answers)
    assert asked == ["audience", "deployment", "os", "custom_gradients"]
    assert answers == normal(mini, audience="researcher")


def test_without_a_profile_enter_still_picks_the_highlighted_first_option(mini, keys):
    answers, _, _ = interview(mini, keys, [ENTER] * 5)
    assert answers == normal(mini, audience="beginner", os="linux", custom_gradients="yes")


def test_short_skips_a_question_no_answer_of_which_changes_the_outcome(tmp_path: Path, keys):
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "questions.yaml").write_text(
        "questions:\n  - {id: team_size, text: How big is the team?, help: People., kind: single,\n"
        "     options: [{id: small, label: Small}, {id: large, label: Large}]}\n"
    )
    rules = load_rules(overlay, base=MINI)
    typed = [DOWN + ENTER, DOWN + SPACE + ENTER, DOWN + ENTER, ENTER, ENTER]
    answers, asked, _ = interview(rules, keys, typed, short=True)
    assert "team_size" not in asked  # no rule mentions it: the engine says it cannot matter
    assert answers["audience"] == {"researcher"}
    _, asked_long, _ = interview(rules, keys, typed[:4] + [ENTER, ENTER], short=False)
    assert "team_size" in asked_long


def test_added_question_in_an_overlay_is_asked_with_no_code_change(tmp_path: Path, keys):
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "questions.yaml").write_text(
        "questions:\n  - {id: licence, text: Must the licence be Apache-2.0?, "
        "help: Legal said so., kind: yes_no}\n"
    )
    rules = load_rules(overlay, base=MINI)
    answers, asked, _ = interview(rules, keys, [ENTER, ENTER, ENTER, ENTER, DOWN + ENTER, ENTER])
    assert asked[-1] == "licence"
    assert answers["licence"] == {"no"}


def test_short_decisions_come_from_the_engine(mini):
    table = table_for(mini)
    os_q, grads = mini.question("os"), mini.question("custom_gradients")
    assert could_change(table, os_q, 0)  # Windows drops JAX's point: the tie breaks
    mobile = table.signature(normal(mini, deployment=["mobile"]))
    assert not could_change(table, grads, mobile)  # +1 cannot catch up 3.5


def test_short_looks_through_the_follow_up_an_answer_opens(tmp_path: Path):
    (tmp_path / "questions.yaml").write_text(
        "questions:\n"
        "  - {id: target, text: Where?, help: h, kind: multi, options: [{id: cloud, label: Cloud},"
        " {id: edge, label: Edge}]}\n"
        "  - {id: chip, text: Chip?, help: h, kind: single, ask_when: {target: edge},"
        " options: [{id: mcu, label: MCU}, {id: soc, label: SoC}]}\n"
    )
    (tmp_path / "frameworks.yaml").write_text(
        "frameworks:\n  - {id: tensorflow, name: TensorFlow, developed_by: G}\n"
        "  - {id: jax, name: JAX, developed_by: G}\n"
    )
    (tmp_path / "scoring.yaml").write_text(
        "rules:\n  - {id: base, when: {not: {chip: soc}}, score: {tensorflow: 1}, because: b, "
        "source: s}\n"
        "  - {id: mcu, when: {chip: mcu}, score: {jax: 5}, because: b, source: s}\n"
    )
    rules = load_rules(base=tmp_path)
    # No answer to `target` alone moves a point, but Edge opens `chip`, whose MCU answer flips the
    # winner.
    assert could_change(table_for(rules), rules.question("target"), 0)


DEPLOYMENT = SHIPPED_RULES.question(
    "deployment"
)  # server, mobile, edge, browser, none (alone); skip


COMBINABLE = frozenset(o.id for o in DEPLOYMENT.options if not o.exclusive)


def tick(keys, typed: str, default: frozenset[str] | None = None) -> frozenset[str] | None:
    keys.send_text(typed + ENTER)
    return ask_multi(DEPLOYMENT, default, Step(1, 1), input=keys, output=DummyOutput())


def accepted(answer: frozenset[str] | None) -> bool:
    """Whether ``recommend`` takes the answer (an exclusive option never beside another)."""
    if not answer:
        return True
    return normalize_answers({"deployment": sorted(answer)}, SHIPPED_RULES)["deployment"] == answer


@pytest.mark.parametrize(
    ("typed", "default", "expected"),
    [
        ("a", None, COMBINABLE),  # all: every option that goes with the others
        (DOWN * 4 + "a", None, COMBINABLE),  # with "none" under the cursor too
        (UP + "a", None, COMBINABLE),  # and with "Not sure / skip" under it
        ("aa", None, None),  # all again: nothing ticked, so skipped
        ("i", None, COMBINABLE),  # invert nothing
        (SPACE + "i", None, COMBINABLE - {"server"}),  # invert one: not "none" beside them
        ("a" + "i", None, None),  # invert all: nothing, not "none"
        ("i", frozenset({"none"}), COMBINABLE),  # from a --from profile's "none"
        ("i", COMBINABLE, None),
        ("i" + DOWN * 4 + SPACE, None, frozenset({"none"})),  # "none" after a bulk tick
    ],
)
def test_bulk_keys_keep_an_answer_recommend_accepts(keys, typed, default, expected):
    assert tick(keys, typed, default) == expected


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    typed=st.lists(st.sampled_from([SPACE, UP, DOWN, "a", "i"]), max_size=12),
    default=st.sampled_from([None, frozenset({"none"}), frozenset({"server", "edge"})]),
)
def test_any_keys_give_an_answer_recommend_accepts(typed, default):
    with create_pipe_input() as keys:
        assert accepted(tick(keys, "".join(typed), default))
