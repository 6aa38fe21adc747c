"""``batch --format html``: the team page, written by a streaming batch writer.

Records stream into a temporary file as they come, and so does the table's compact row of each
(~100 bytes): the writer keeps only a :class:`Tally`, so its memory stays flat however many rows
come (the rows held as lists took ~280 bytes a row: 5.6 MB per 20,000 rows).
:meth:`TeamWriter.finish` writes the page: charts, the table's rows as compact JSON
(``script#rows-data``), the table script, and last the records themselves, equal to ``batch
--format json`` (``script#records``, their texts shared, below). The records go last so that the
charts and the first page of the table are on screen while the browser is still reading them.

Each long text a record repeats from the rule base (a reason's ``because`` and ``source``, a
library's ``note``, why an answer was ignored: :data:`TEXT_KEYS`) is written once, in
``script#texts``, and the records refer to it by its index there (:class:`Texts`; :func:`unpack`
gives the records back as ``batch --format json`` writes them). Those texts were 70% of a page:
10,000 shipped records made a 154 MB page, 51 MB with them shared
(``benchmarks/bench_team_size.py``).

Past :data:`RECORDS_LIMIT` the records are left out (``script#records`` holds ``null``, and the
page and :meth:`TeamWriter.finish` say so): at about 13 kB a record on the shipped rules (before
the texts were shared; about 5 kB since), 100,000 rows made a 1.4 GB page that crashed Chromium's
tab before anything was drawn, while the charts and the table need only the compact rows.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any, TextIO

from recommender.batch.records import Records
from recommender.batch.run import Item, Summary
from recommender.render.html.labels import Names, dicts, label_of, mapping, route_label, strings
from recommender.render.html.markup import script_json, script_safe
from recommender.render.html.page import TAIL, head, script, script_text
from recommender.render.html.tally import Tally, outcome
from recommender.render.html.team_page import body
from recommender.rulebase.model import RuleBase
from recommender.scoring.export import export_rules
from recommender.scoring.table import table_for

SCRIPTS = ("dom.js", "team.js")
COLUMNS = (
    "row",
    "profile",
    "outcome",
    "tie",
    "margin",
    "confidence",
    "stack",
    "error",
    "scores",
    "excluded",  # the frameworks a deal-breaker excludes: a winner may score below them
)
# Characters of records a page embeds: ~50,000 records on the shipped rules (texts shared). A
# 290 MB page (20,000 records with their texts) opened in headless Chromium in 9 s and a 580 MB
# one in 28 s; the 1.4 GB one crashed.
RECORDS_LIMIT = 256 << 20
# The keys whose text is shared (each is a string or null in the record schemas, never a number,
# so an index in their place is unambiguous), texts shorter than SHARED_MIN stay in place (an index
# and its entry would take more room), and past SHARED_LIMIT characters of shared texts the rest
# stay in place too: what the writer holds stays bounded whatever the records say.
TEXT_KEYS = frozenset(("because", "source", "note", "why"))
SHARED_MIN = 8
SHARED_LIMIT = 16 << 20
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


class TeamWriter:
    """A batch writer (``write(records)`` per chunk, then ``finish(summary)``) for one HTML file."""

    summary_inside = True

    def __init__(
        self, stream: TextIO, rules: RuleBase, probe: bool = False, limit: int | None = None
    ) -> None:
        self.stream, self.rules = stream, rules
        self.limit = RECORDS_LIMIT if limit is None else limit  # characters of records
        self.records = Records(probe)
        self.names = Names.of(export_rules(rules))
        table = table_for(rules)
        self.tally = Tally({r.id: tuple(sorted(table.reads(r.when))) for r in rules.rules})
        self.rows = _spool()  # the table's compact rows, as JSON text joined by commas
        self.spool: TextIO | None = _spool()  # None once the records are over the limit
        self.spooled = 0  # characters of records written to the spool
        self.texts = Texts()

    def write(self, items: list[Item]) -> None:
        self.write_records([self.records.record(item) for item in items])

    def write_records(self, records: list[dict[str, Any]]) -> None:
        """Records as ``batch -f json`` writes them (kept apart so any record can be rendered)."""
        if not records:
            return
        if self.spool is not None:
            text = script_safe(",".join([_encode(self.texts.pack(r)) for r in records]))
            text = text if not self.spooled else "," + text
            self.spooled += len(text)
            if self.spooled <= self.limit:
                with _in_spool():
                    self.spool.write(text)
            else:  # dropped at once: the disk is not filled with what the page will not hold
                self.spool.close()
                self.spool = None
        rows = script_json([self.compact(r) for r in records])[1:-1]  # the items, comma-joined
        with _in_spool():
            self.rows.write("," + rows if self.tally.rows else rows)  # the rows counted so far
        for r in records:
            self.tally.add(r)

    def compact(self, r: dict[str, Any]) -> list[Any]:
        """One table row, in :data:`COLUMNS` order."""
        scores = {s.get("framework"): s.get("score") for s in dicts(r.get("ranking"))}
        return [
            r.get("row"),
            r.get("name", r.get("profile")),
            outcome(r),
            strings(r.get("tie")),
            r.get("margin"),
            r.get("confidence") if isinstance(r.get("confidence"), str) else None,
            stack_label(r, self.names),
            r.get("error"),
            [scores.get(f) for f in self.names.frameworks],
            [s.get("framework") for s in dicts(r.get("ranking")) if s.get("excluded") is True],
        ]

    def finish(self, summary: Summary) -> str | None:
        """Write the page; a note for the user when the records were left out of it."""
        code = script_text(*SCRIPTS)
        table = {
            "columns": list(COLUMNS),
            "frameworks": [{"id": f, "name": n} for f, n in self.names.frameworks.items()],
            "rows": [],
        }
        out = self.stream
        out.write(head(_title(self.tally), [code]))
        left_out = self.left_out()
        top = summary.top_rules(self.rules)
        out.write(body(self.tally, summary, self.names, top, left_out))
        before_rows = script_json(table).removesuffix("]}")  # the rows go in between
        out.write(f'<script type="application/json" id="rows-data">{before_rows}')
        with _in_spool():
            self.rows.seek(0)  # writes out what it holds
        shutil.copyfileobj(self.rows, out)
        self.rows.close()
        out.write("]}</script>\n")
        out.write(script(code))
        if self.spool is None:
            out.write('<script type="application/json" id="records">null</script>\n')
            out.write('<script type="application/json" id="texts">null</script>\n' + TAIL)
            return left_out
        out.write('<script type="application/json" id="records">[')
        with _in_spool():
            self.spool.seek(0)  # writes out what it holds: nothing is written to it after this
        shutil.copyfileobj(self.spool, out)
        self.spool.close()
        out.write("]</script>\n")
        out.write(f'<script type="application/json" id="texts">{script_json(self.texts.listed())}')
        out.write("</script>\n" + TAIL)
        return None

    def left_out(self) -> str | None:
        """Why the page has no records, when it has none (the same words on the page and to the
        user)."""
        if self.spool is not None:
            return None
        return (
            f"the full records are not in this page: over {_size(self.limit)} of them, more "
            "than a browser opens well (the counts, charts and table are all here); for the "
            "records, run the batch again with -o FILE.jsonl"
        )


class Texts:
    """The texts the records share, each given an index the first time it is met."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.size = 0  # characters held

    def pack(self, value: Any) -> Any:
        """``value`` with each text under a :data:`TEXT_KEYS` key replaced by its index."""
        if isinstance(value, dict):
            return {
                k: self.ref(v) if k in TEXT_KEYS and isinstance(v, str) else self.pack(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.pack(v) for v in value]
        return value

    def ref(self, text: str) -> int | str:
        at = self.index.get(text)
        if at is not None:
            return at
        if len(text) < SHARED_MIN or self.size + len(text) > SHARED_LIMIT:
            return text
        self.size += len(text)
        self.index[text] = at = len(self.index)
        return at

    def listed(self) -> list[str]:
        """The texts in index order (a dict keeps the order they were added in)."""
        return list(self.index)


def unpack(value: Any, texts: list[str]) -> Any:
    """The records of ``script#records`` with the texts of ``script#texts`` back in place: what
    ``batch --format json`` writes."""
    if isinstance(value, dict):
        return {
            k: texts[v] if k in TEXT_KEYS and type(v) is int else unpack(v, texts)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [unpack(v, texts) for v in value]
    return value


def _spool() -> TextIO:
    """A temporary file, open from the first chunk to :meth:`TeamWriter.finish`; the OS deletes it
    when it is closed or collected. A lone surrogate (a JSON ``"\\ud800"`` escape in a name)
    becomes "?", as in every other output."""
    return tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")


def _size(characters: int) -> str:
    return f"{characters >> 20:,} MiB" if characters >= 1 << 20 else f"{characters:,} characters"


def stack_label(r: dict[str, Any], names: Names) -> str:
    """Issue 11's ``stack`` when the record has one, else the winner and its companion library."""
    stack = mapping(r.get("stack"))
    if stack:
        parts = [names.framework(stack["framework"])] if stack.get("framework") else []
        parts += [label_of(stack.get("companion"))] if stack.get("companion") else []
        deploy = stack.get("deploy")
        known = [
            d for d in (deploy if isinstance(deploy, list) else []) if mapping(d).get("runtime")
        ]
        parts += [route_label(d) for d in known]
        return " + ".join(p for p in parts if p)
    if not r.get("winner"):
        return ""
    companion = label_of(r.get("companion"))
    return names.framework(r["winner"]) + (f" + {companion}" if companion else "")


@contextlib.contextmanager
def _in_spool() -> Iterator[None]:
    """A write to the spool that fails names the temporary directory: the full disk is that one,
    and it was reported as the ``-o`` file's, whose own disk may have room to spare."""
    try:
        yield
    except OSError as exc:
        if not exc.filename:
            where = tempfile.gettempdir()
            exc.filename = f"{where} (temporary space; set TMPDIR to a folder with room)"
        raise


def _title(tally: Tally) -> str:
    return f"recommender: team report, {tally.rows:,} profiles"
