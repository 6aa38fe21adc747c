"""Helpers shared by the front ends: the rule base with overlays, the answers, the probe."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from recommender.errors import UserError
from recommender.fileio import given
from recommender.rulebase.cache import load_rules_cached
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import (
    Normal,
    load_profile,
    normalize_answers,
    parse_answer_flags,
)
from recommender.scoring.result import Recommendation, rank

if TYPE_CHECKING:
    from recommender.scoring.evidence import Evidence  # imported only under --probe


def rulebase(args: argparse.Namespace) -> RuleBase:
    """The shipped rule base plus every ``--rules`` / ``RECOMMENDER_RULES`` overlay (cached when
    unchanged)."""
    return load_rules_cached(*getattr(args, "rules", []))


def add_answer_arguments(parser: argparse.ArgumentParser) -> None:
    """``--profile FILE`` (``-``: stdin) and ``--answer QUESTION=VALUE``."""
    parser.add_argument(
        "--profile",
        type=given,
        metavar="FILE",
        help="a YAML or JSON profile, {name: ..., answers: {...}}; - reads it from stdin",
    )
    parser.add_argument(
        "--answer",
        "-a",
        action="append",
        default=[],
        metavar="QUESTION=VALUE",
        help="an answer (repeatable; overrides the profile; multi answers as a,b; yes/no)",
    )


def read_answers(args: argparse.Namespace, rules: RuleBase) -> tuple[str | None, Normal]:
    """(profile name, answers) from ``--profile FILE`` and ``--answer q=v`` flags; ``--answer q=``
    clears one."""
    name, answers = None, {}
    if args.profile:
        profile = load_profile(args.profile, rules)
        name, answers = profile.name, dict(profile.answers)
    answers.update(normalize_answers(parse_answer_flags(args.answer, rules), rules, "--answer"))
    for flag in args.answer:
        qid, _, value = flag.partition("=")
        if not value.strip():
            answers.pop(qid.strip(), None)
    return name, answers


def add_probe_argument(parser: argparse.ArgumentParser, quiet: bool = True) -> None:
    """``--probe``, and ``--quiet`` for its progress lines (unless the command has its own)."""
    parser.add_argument(
        "--probe",
        action="store_true",
        help="add evidence from this machine: runs `recommender probe` (or reuses its cache) and "
        "lets rules on probe facts fire",
    )
    if quiet:
        parser.add_argument(
            "--quiet", "-q", action="store_true", help="no progress lines on stderr (--probe)"
        )


def probe_facts(
    args: argparse.Namespace, rules: RuleBase
) -> tuple[dict[str, str], dict[str, str | None], dict[str, str]]:
    """This machine's probe facts, versions and details
    (:func:`~recommender.scoring.evidence.probe_machine`), with a progress line per framework
    on a terminal's stderr."""
    from recommender.probe.progress import for_stream
    from recommender.scoring.evidence import probe_machine

    progress = for_stream(sys.stderr, getattr(args, "quiet", False))
    return probe_machine(rules, progress=progress)


def score(
    args: argparse.Namespace, rules: RuleBase, answers: Normal, name: str | None
) -> tuple[Recommendation, Evidence | None]:
    """Rank the answers; with ``--probe``, on this machine's probe facts, with the evidence."""
    result, evidence, _ = score_with_facts(args, rules, answers, name)
    return result, evidence


def score_with_facts(
    args: argparse.Namespace, rules: RuleBase, answers: Normal, name: str | None
) -> tuple[Recommendation, Evidence | None, dict[str, str] | None]:
    """:func:`score`, and the probe facts it scored with (the html what-if folds them in)."""
    ray = getattr(args, "ray", None)
    if not getattr(args, "probe", False) and ray is None:
        return rank(answers, rules, profile=name), None, None
    from recommender.scoring import evidence

    if ray is None:
        facts, installed, details = probe_facts(args, rules)
        result = rank(answers, rules, profile=name, facts=facts)
        return result, evidence.gather(rules, answers, result, facts, installed, details), facts
    # --ray: scored on the facts every node agrees on; each need is shown node by node
    facts, installed, cluster = evidence.cluster_facts(rules, ray_address(ray))
    result = rank(answers, rules, profile=name, facts=facts)
    found = evidence.gather(rules, answers, result, facts, installed)
    frameworks = [s.framework for s in result.ranking if not s.excluded]
    return result, evidence.with_cluster(found, rules, answers, frameworks, cluster), facts


def ray_address(given: str) -> str:
    """``--ray ADDRESS``, else ``$RAY_ADDRESS``; one line when there is neither."""
    address = given or os.environ.get("RAY_ADDRESS", "")
    if not address:
        raise UserError(
            "--ray needs an ADDRESS (host:port of the cluster's head), or set RAY_ADDRESS"
        )
    return address
