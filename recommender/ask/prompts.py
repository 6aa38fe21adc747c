"""The questionary prompts: one function per question kind, each forwarding ``**kwargs`` to
prompt_toolkit.

Only ``recommender ask`` imports this module (questionary costs startup time). Every prompt runs
through :func:`run_prompt`: ``unsafe_ask()``, so Ctrl-C arrives as KeyboardInterrupt and is
handled once, in ``commands/ask.py``, and a stop signal ends the prompt through its own event
loop. Tests pass ``input=create_pipe_input()`` and ``output=DummyOutput()`` to type real
keystrokes.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

import questionary
from prompt_toolkit import print_formatted_text
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.key_binding import KeyBindings
from questionary import Choice, Separator, Style

from recommender.ask.flow import Step
from recommender.errors import Terminated, ignore_stop_signals, live_stop_signals
from recommender.render.terminal import cells, cut_cells, wrap_cells
from recommender.rulebase.model import Question
from recommender.scoring.explore import unticks
from recommender.scoring.table import Dim

SKIP = "__skip__"
DONE = "__done__"
SKIP_LABEL = "Not sure / skip"

STYLE = Style(
    [
        ("qmark", "fg:#5f87ff bold"),
        ("question", "bold"),
        ("instruction", "fg:#808080"),
        ("answer", "fg:#00afaf bold"),
        ("pointer", "fg:#00afaf bold"),
        ("highlighted", "fg:#00afaf bold"),
        ("selected", "fg:#00afaf"),
        ("separator", "fg:#585858"),
        ("description", "fg:#808080 italic"),
    ]
)


def run_prompt(prompt: Any) -> Any:
    """``prompt.unsafe_ask()``, where a stop signal ends the prompt from the prompt's event loop.

    The command line turns a stop signal into Terminated raised wherever the main thread is
    (``cli.raised_on_signals``). Inside a prompt, that can be a done-callback of prompt_toolkit's
    that catches BaseException and logs it (the history loader's): the prompt then went on with
    every stop signal ignored, about once in 100 runs of ``tests/test_signals.py``. While the
    prompt's loop runs, the signal instead has the application exit with Terminated from a
    callback of that loop, so it leaves ``unsafe_ask()`` as any other exit does. Later signals are
    ignored, as the command line's handler leaves them, so the answers are kept in peace.
    """
    app = prompt.application
    _end_on_ctrl_d(app)
    caught: list[int] = []

    def end(signum: int) -> None:
        if app.future is not None and not app.future.done():
            app.exit(exception=Terminated(signum))

    def handler(signum: int, frame: FrameType | None) -> None:
        ignore_stop_signals()
        caught.append(signum)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the prompt's loop has not started, or has ended
            raise Terminated(signum) from None
        loop.call_soon_threadsafe(end, signum)

    try:
        previous = {s: signal.signal(s, handler) for s in live_stop_signals()}
    except ValueError:  # not the main thread: signals stay as they are
        return prompt.unsafe_ask()
    try:
        answer = prompt.unsafe_ask()
    finally:
        if not caught:
            for s, action in previous.items():
                signal.signal(s, action)
    if caught:  # the answer came in as the signal did: the loop had stopped before ``end`` ran
        raise Terminated(caught[0])
    return answer


def _end_on_ctrl_d(app: Any) -> None:
    """Ctrl-D ends a list or check-box prompt as it ends a text prompt: with EOFError, which
    ``commands/ask.py`` handles as Ctrl-C (the answers are kept). questionary binds no Ctrl-D
    there, so the key did nothing and the user was stuck. A text prompt's merged bindings are left
    alone: there Ctrl-D already ends an empty line."""
    if isinstance(app.key_bindings, KeyBindings):
        app.key_bindings.add("c-d", eager=True)(lambda event: event.app.exit(exception=EOFError))


def _qmark(step: Step) -> str:
    return "✎" if step.again else f"{step.number}/{step.total}"


def _columns() -> int:
    """The terminal's width. prompt_toolkit cuts a line at the screen edge instead of wrapping it,
    so whatever must be read whole (the question, its help, the options) is wrapped to this width
    here."""
    return max(20, shutil.get_terminal_size((100, 24)).columns)


def _message(q: Question, step: Step) -> str:
    """The question's text, wrapped to the terminal under itself: it follows the counter
    ("3/17 ") and is followed by the space questionary adds. On a narrow terminal the end of a
    question was cut off ("Which best describes you or your te")."""
    lead = len(_qmark(step)) + 1
    lines = wrap_cells(q.text, _columns() - 1, lead, " " * lead)
    return "\n".join(lines) or q.text


def _instruction(q: Question, keys: str) -> str:
    # The help sits in the instruction so it shows while answering and folds away once answered.
    # The key hint is wrapped too: on a narrow terminal it ran past the edge and went on at the
    # first column.
    width = min(_columns(), 100) - 1
    lines = [line for text in (q.help, f"({keys})") for line in wrap_cells(text, width, 2, "  ")]
    return "\n" + "\n".join("  " + line.lstrip() for line in lines)


# Cells before an option's label: the pointer (" » "), and a check box's tick ("○ ").
SELECT_LEAD, CHECKBOX_LEAD = 3, 5
DESCRIPTION_LEAD = len("  Description: ")  # what questionary writes before an option's help


def _choices(q: Question, lead: int, checked: frozenset[str] = frozenset()) -> list[Any]:
    """The options, each label wrapped under itself after the ``lead`` cells of pointer and tick:
    prompt_toolkit cut a label at the screen edge (at 40 columns the shipped "Researcher:
    experimenting with new models or methods" read "Researcher: experimenting with new mo"),
    and the help shown under the list the same way."""
    # a label's next lines two cells further in, so they do not read as another option
    return [
        Choice(
            _wrapped(o.label, lead, lead + 2),
            o.id,
            checked=o.id in checked,
            description=_wrapped(o.help, DESCRIPTION_LEAD, 2) if o.help else None,
        )
        for o in q.options
    ]


def _wrapped(text: str, lead: int, hang: int | None = None) -> str:
    """``text`` wrapped to the terminal, starting after ``lead`` cells, the next lines indented
    by ``hang`` (``lead`` when None)."""
    lines = wrap_cells(text, _columns() - 1, lead, " " * (lead if hang is None else hang))
    return "\n".join(lines) or text


def ask_single(
    q: Question, default: frozenset[str] | None, step: Step, **kwargs: Any
) -> frozenset[str] | None:
    """A select list with the options, then "not sure / skip"."""
    choices = [*_choices(q, SELECT_LEAD), Separator(), Choice(SKIP_LABEL, SKIP)]
    start = next(iter(default)) if default else (SKIP if step.again or step.prefilled else None)
    keys = _instruction(q, "↑↓ to move, enter to pick")
    # questionary would write the picked option's title after the question: a wrapped label's
    # lines under the pointer's column. Erased, and the answer written wrapped under the question.
    prompt = questionary.select(
        _message(q, step),
        choices,
        default=start,
        qmark=_qmark(step),
        style=STYLE,
        instruction=keys,
        erase_when_done=True,
        **kwargs,
    )
    picked = run_prompt(prompt)
    chosen = None if picked == SKIP else frozenset((picked,))
    _answered(q, step, answer_text(q, chosen, skipped=SKIP_LABEL), kwargs.get("output"))
    return chosen


def ask_yes_no(
    q: Question, default: frozenset[str] | None, step: Step, **kwargs: Any
) -> frozenset[str] | None:
    """Yes / No / not sure: a select rather than a confirm, because a confirm cannot be skipped."""
    return ask_single(q, default, step, **kwargs)


def alone(q: Question) -> frozenset[str]:
    """The choices that stand alone: options marked ``exclusive`` ("none"), and the skip."""
    return frozenset(o.id for o in q.options if o.exclusive) | {SKIP}


def unticking(
    q: Question, default: frozenset[str] | None = None
) -> tuple[Callable[[list[str]], bool], dict[str, Any]]:
    """A checkbox validator that keeps the ticks an answer ``recommend`` accepts. questionary
    calls it after every key that changes the ticks; it acts on the prompt's control, handed in
    through the dict. One choice ticked unticks what :func:`explore.unticks` says: ticking one
    that stands alone unticks the others, ticking another unticks those that stand alone. The
    bulk keys ('a' ticks all, 'i' inverts) act on the options that go together: what they tick
    beside those is unticked, and when they tick only choices that stand alone ('a' again, or
    'i' with every other option ticked) nothing is left ticked."""
    held: dict[str, Any] = {}
    values = [*q.option_ids, SKIP]
    bit = {v: 1 << i for i, v in enumerate(values)}
    lone = alone(q)
    options = tuple((bit[v], v) for v in values)
    dim = Dim(q.id, sum(bit.values()), options, True, exclusive=sum(bit[v] for v in lone))
    before = set(default or ())

    def validate(picked: list[str]) -> bool:
        control = held.get("control")
        if control is None:
            return True
        new = [v for v in control.selected_options if v not in before]
        if len(new) == 1:
            drop = unticks(dim, bit[new[0]])
        else:
            drop = dim.exclusive if set(new) - lone else dim.mask
        if new:
            control.selected_options[:] = [v for v in control.selected_options if not bit[v] & drop]
        before.clear()
        before.update(control.selected_options)
        return True

    return validate, held


def ask_multi(
    q: Question, default: frozenset[str] | None, step: Step, **kwargs: Any
) -> frozenset[str] | None:
    """A checkbox list; nothing ticked, or "not sure / skip", leaves the question unanswered."""
    choices = [
        *_choices(q, CHECKBOX_LEAD, default or frozenset()),
        Separator(),
        Choice(SKIP_LABEL, SKIP),
    ]
    # questionary sums up several ticks as "done (2 selections)": erase that line and print the
    # labels instead.
    keys = _instruction(q, "space to tick, enter when done; none ticked = skip")
    validate, held = unticking(q, default)
    prompt = questionary.checkbox(
        _message(q, step),
        choices,
        qmark=_qmark(step),
        style=STYLE,
        validate=validate,
        instruction=keys,
        erase_when_done=True,
        **kwargs,
    )
    held["control"] = _control(prompt)
    picked = run_prompt(prompt)
    chosen = frozenset(picked) - {SKIP}
    _answered(q, step, answer_text(q, chosen or None, skipped=SKIP_LABEL), kwargs.get("output"))
    return chosen or None


def _control(prompt: Any) -> Any:
    """The checkbox's InquirerControl (which holds the ticks), found in the prompt's layout."""
    from questionary.prompts.common import InquirerControl

    windows = prompt.application.layout.find_all_windows()
    return next((w.content for w in windows if isinstance(w.content, InquirerControl)), None)


def _answered(q: Question, step: Step, answer: str, output: Any) -> None:
    """The question and its answer, as questionary writes them, the answer wrapped after the
    question's last line (it ran past the screen's edge)."""
    message = _message(q, step)
    lead = len(_qmark(step)) + 1
    last = message.rsplit("\n", 1)[-1]
    col = cells(last) + 1 + (0 if "\n" in message else lead)
    shown = "\n".join(wrap_cells(answer, _columns() - 1, col, " " * lead))
    tokens = [
        ("class:qmark", _qmark(step)),
        ("class:question", f" {message} "),
        ("class:answer", shown),
    ]
    print_formatted_text(FormattedText(tokens), style=STYLE, output=output)


KINDS: dict[str, Callable[..., frozenset[str] | None]] = {
    "single": ask_single,
    "multi": ask_multi,
    "yes_no": ask_yes_no,
}


def answer_text(q: Question, answer: frozenset[str] | None, skipped: str = "— not answered") -> str:
    if not answer:
        return skipped
    return ", ".join(q.label(o) for o in q.option_ids if o in answer)


def review(rows: Sequence[tuple[Question, frozenset[str] | None]], **kwargs: Any) -> str | None:
    """Every answer on one screen; pick one to change it, or the first entry to go on."""
    room = min(_columns(), 120) - 6  # " » " before each line, and a column to spare
    width = min(max((cells(q.text) for q, _ in rows), default=0), room * 11 // 20)
    choices: list[Any] = [Choice("Looks right: show the recommendation", DONE), Separator()]
    choices += [
        Choice(f"{_padded(q.text, width)}  {cut_cells(answer_text(q, a), room - width - 2)}", q.id)
        for q, a in rows
    ]
    # Erased once answered: each return to the review shows one fresh list, not a growing log.
    prompt = questionary.select(
        "Your answers",
        choices,
        qmark="✔",
        style=STYLE,
        erase_when_done=True,
        instruction="\n  Pick an answer to change it, or go on.",
        **kwargs,
    )
    picked = run_prompt(prompt)
    return None if picked == DONE else picked


def _padded(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells and padded to them (a CJK character takes two)."""
    shown = cut_cells(text, width)
    return shown + " " * (width - cells(shown))


class QuestionaryPrompter:
    """The :class:`recommender.ask.flow.Prompter` for a real terminal; ``kwargs`` go to every
    prompt."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs

    def question(
        self, q: Question, default: frozenset[str] | None, step: Step
    ) -> frozenset[str] | None:
        return KINDS[q.kind](q, default, step, **self.kwargs)

    def review(self, rows: Sequence[tuple[Question, frozenset[str] | None]]) -> str | None:
        return review(rows, **self.kwargs)

    def text(self, message: str, default: str = "") -> str:
        return run_prompt(
            questionary.text(message, default=default, qmark="?", style=STYLE, **self.kwargs)
        )

    def confirm(self, message: str, default: bool = False) -> bool:
        return run_prompt(
            questionary.confirm(message, default=default, qmark="?", style=STYLE, **self.kwargs)
        )
