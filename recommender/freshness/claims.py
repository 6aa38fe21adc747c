"""Every claim the rule base makes about a package, found in one place: :func:`claims_from`.

A framework's ``packages`` are implicitly claimed active (the tool recommends them); a companion
claims its ``package`` has ``status`` as of ``status_as_of``; a fact or rule makes a claim, dated
``as_of``, about the packages it names in ``packages:`` and about the packages of each framework in
its ``versions:`` (for a stale or wrong fact, ``as_of`` dates the old claim and ``versions:`` the
correction, so those packages are checked by version only); a ``packages:`` entry claims a status
for a package nothing else names (a runtime, a plugin).
"""

from __future__ import annotations

from collections.abc import Iterator

from recommender.rulebase.model import Fact, Origin, RuleBase
from recommender.values import Value, frozen


@frozen
class Claim(Value):
    """One claim about one package: who makes it, where, its status and when it was checked."""

    package: str  # as the rule file writes it
    subject: str  # 'companion "flax-nnx" of jax', 'rule "apple-silicon-mps"', ...
    origin: str  # file:line:col, or "" when unknown
    status: str = ""  # active | maintenance | inactive; "" when the claim says nothing about it
    as_of: str = ""  # when it was checked; "" when undated
    version: str = ""  # the version it was checked against (``versions:``); "" when none


def claims_from(rules: RuleBase) -> tuple[Claim, ...]:
    """Every claim about a package, in rule-file order, each once."""
    found = [
        *_frameworks(rules),
        *(c for fw in rules.frameworks for fact in fw.facts for c in _fact(fact, fw.origin, rules)),
        *_rules(rules),
        *(
            Claim(p.package, "package claim", _where(p.origin), p.status, p.as_of)
            for p in rules.packages
        ),
        *_stack(rules),
    ]
    return tuple(dict.fromkeys(found))


def _frameworks(rules: RuleBase) -> Iterator[Claim]:
    for fw in rules.frameworks:
        where = _where(fw.origin)
        for package in fw.packages:
            yield Claim(package, f'framework "{fw.id}"', where, "active")
        for c in fw.companions:
            if c.package:
                subject = f'companion "{c.id}" of {fw.id}'
                yield Claim(
                    c.package, subject, _where(c.origin or fw.origin), c.status, c.status_as_of
                )


# a stack route's support level, as the status it claims for the packages it names. "limited" is
# a known reduced-support state (TensorFlow.js, LiteRT from JAX): the route works with caveats, and
# it claims neither that the package still releases (active) nor that it has stopped (maintenance,
# which a recent release would contradict), so its claim is dated by as_of alone.
ROUTE_STATUS = {"supported": "active", "limited": "", "experimental": "active",
                "deprecated": "maintenance", "unsupported": "inactive"}  # fmt: skip


def _stack(rules: RuleBase) -> Iterator[Claim]:
    """The packages a stack route or training route names (``rules/stack.yaml``)."""
    for d in rules.deploy:
        where = _where(d.origin)
        for r in d.routes:
            subject = f'route "{r.runtime}" ({d.framework}, {d.target})'
            for package in r.packages:
                yield Claim(package, subject, where, ROUTE_STATUS[r.support], r.as_of)
    for h in rules.hardware:
        subject = f"training route ({h.framework}, {h.answer})"
        for package in h.packages:
            yield Claim(package, subject, _where(h.origin), ROUTE_STATUS[h.support], h.as_of)


def _fact(fact: Fact, framework_origin: Origin | None, rules: RuleBase) -> Iterator[Claim]:
    """A current fact is dated by its ``as_of``. A stale or wrong one is two claims in one: the old
    claim, which ``as_of`` dates, and its correction, which ``versions`` pins: a package reached
    only through ``versions`` is checked against that version, not against the old claim's date
    (tf-table-stage: the 2021 claim 'v2.4.1', corrected to 2.21, is not older than 2.21.0)."""
    where = _where(fact.origin or framework_origin)
    corrected = fact.status in ("stale", "wrong")
    for package, version in _named(fact.packages, fact.versions, rules).items():
        dated = not corrected or package in fact.packages
        as_of = fact.as_of if dated else ""
        yield Claim(package, f'fact "{fact.id}"', where, as_of=as_of, version=version)


def _rules(rules: RuleBase) -> Iterator[Claim]:
    for rule in rules.rules:
        for package, version in _named(rule.packages, rule.versions, rules).items():
            subject, where = f'rule "{rule.id}"', _where(rule.origin)
            yield Claim(package, subject, where, as_of=rule.as_of, version=version)


def _named(packages: tuple[str, ...], versions: dict[str, str], rules: RuleBase) -> dict[str, str]:
    """package -> the version it was checked against ("" if none): the packages named outright,
    then those of each framework in ``versions:`` (a key that is no framework id is a package)."""
    ids = rules.framework_ids
    named = dict.fromkeys(packages, "")
    for key, version in versions.items():
        for package in rules.framework(key).packages if key in ids else (key,):
            named[package] = str(version)
    return named


def _where(origin: Origin | None) -> str:
    return "" if origin is None else str(origin)
