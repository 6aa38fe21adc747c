"""``rules freshness`` piece by piece: index pages (untrusted, so hypothesis), versions, dates,
pip's configuration, the claims a rule base makes, and the fetch seam."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import UTC, date, datetime

import pytest
from conftest import MINI, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from recommender import load_rules
from recommender.commands.rules_freshness import FORMATS
from recommender.errors import UserError
from recommender.freshness import render
from recommender.freshness.checks import find, months_before, period_end
from recommender.freshness.claims import Claim, claims_from
from recommender.freshness.fetch import Response, Unreachable
from recommender.freshness.index import Entry, look_up, look_up_all
from recommender.freshness.pipconf import PYPI, choose_index, config_files, pip_index, redact
from recommender.freshness.releases import (
    Releases,
    Upload,
    file_version,
    final_key,
    newer_than,
    summarize,
)
from recommender.freshness.simple import BadAnswer, IndexFile, parse_page

FRESH = ROOT / "tests" / "data" / "freshness"
JSON_TYPE = "application/vnd.pypi.simple.v1+json"


# --- reading a page -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not JSON: Expecting value: line 1 column 1 (char 0)"),
        (
            b"\xff\xfe\x00",
            "not JSON: 'utf-16-le' codec can't decode byte 0x00 in position 2: truncated data",
        ),
        (b"[]", "expected a JSON object"),
        (b"{}", 'no "meta" object: not a PEP 691 page'),
        (b'{"meta": {"api-version": "2.0"}, "files": []}', "api-version '2.0' is not 1.x"),
        (b'{"meta": {"api-version": "1.1"}}', 'no "files" list'),
        (b'{"meta": {"api-version": "1.1"}, "files": [3]}', "file 1 is not an object"),
        (b'{"meta": {"api-version": "1.1"}, "files": [{}]}', "file 1 has no usable filename"),
        (
            b'{"meta": {"api-version": "1.1"}, "files": [{"filename": "a-1.whl", "yanked": 1}]}',
            "a-1.whl: yanked is neither true/false nor a reason",
        ),
        (
            b'{"meta": {"api-version": "1.1"}, "files": '
            b'[{"filename": "a-1.whl", "upload-time": "2026-02-30T00:00:00Z"}]}',
            "a-1.whl: upload-time '2026-02-30T00:00:00Z' is not a PEP 700 time",
        ),
        (b"[" * 100_000, "not JSON: nested too deeply"),
    ],
)
def test_a_bad_page_is_one_bad_answer(body, message):
    with pytest.raises(BadAnswer) as caught:
        parse_page(body)
    assert str(caught.value) == message


def test_a_good_page_keeps_names_times_and_yanks():
    body = json.dumps(
        {
            "meta": {"api-version": "1.1"},
            "files": [
                {"filename": "x-1.0.tar.gz", "upload-time": "2025-01-31T00:53:00.123456Z"},
                {
                    "filename": "x-1.1.tar.gz",
                    "upload-time": "2025-02-01T10:00:00Z",
                    "yanked": "bad",
                },
                {"filename": "x-0.9.tar.gz"},
            ],
        }
    ).encode()
    assert parse_page(body) == (
        IndexFile("x-1.0.tar.gz", datetime(2025, 1, 31, 0, 53, tzinfo=UTC), False),
        IndexFile("x-1.1.tar.gz", datetime(2025, 2, 1, 10, 0, tzinfo=UTC), True),
        IndexFile("x-0.9.tar.gz", None, False),
    )


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=8,
)
FILE_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "filename": st.text(max_size=40)
        | st.sampled_from(["a-1.0.tar.gz", "a-2.0rc1-py3-none-any.whl"]),
        "upload-time": JSONISH | st.sampled_from(["2025-01-01T00:00:00Z", "2025-13-01T00:00:00Z"]),
        "yanked": JSONISH,
    },
)
PAGES = st.fixed_dictionaries(
    {
        "meta": st.fixed_dictionaries(
            {"api-version": st.sampled_from(["1.0", "1.1", "1", 1, None])}
        ),
        "files": st.lists(FILE_FIELDS | JSONISH, max_size=6),
    }
)


@settings(max_examples=300)
@given(st.binary(max_size=200) | JSONISH.map(lambda v: json.dumps(v).encode()))
def test_any_bytes_give_files_or_a_bad_answer(body):
    try:
        files = parse_page(body)
    except BadAnswer as exc:
        assert str(exc)
    else:
        summarize(files)


@settings(max_examples=150)
@given(PAGES)
def test_near_valid_pages_give_files_or_a_bad_answer(page):
    try:
        files = parse_page(json.dumps(page).encode())
    except BadAnswer as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 200
    else:
        releases = summarize(files)
        assert releases.files == sum(not f.yanked for f in files)


# --- versions -------------------------------------------------------------------------------------

VERSIONS = st.builds(
    lambda epoch, release, pre, post, dev: (
        (f"{epoch}!" if epoch else "")
        + ".".join(map(str, release))
        + (f"{pre[0]}{pre[1]}" if pre else "")
        + (f".post{post}" if post is not None else "")
        + (f".dev{dev}" if dev is not None else "")
    ),
    st.sampled_from([0, 0, 0, 1]),
    st.lists(st.integers(0, 12), min_size=1, max_size=4),
    st.none() | st.tuples(st.sampled_from(["a", "b", "rc"]), st.integers(0, 3)),
    st.none() | st.integers(0, 3),
    st.none() | st.integers(0, 3),
)


@given(st.lists(VERSIONS, min_size=1, max_size=8))
def test_the_latest_release_is_the_highest_final_version_as_packaging_orders_them(versions):
    files = tuple(
        IndexFile(f"p-{v}-py3-none-any.whl", datetime(2026, 1, 1 + i, tzinfo=UTC), False)
        for i, v in enumerate(versions)
    )
    finals = [Version(v) for v in versions if not Version(v).is_prerelease]
    latest = summarize(files).latest
    if not finals:
        assert latest is None
    else:
        assert latest is not None and Version(latest.version) == max(finals)


@pytest.mark.parametrize(
    ("version", "final"),
    [
        ("2.9.0+cpu", True),
        ("1.0rc1", False),
        ("1.0.dev3", False),
        ("1.0.post2", True),
        ("v1", True),
    ],
)
def test_what_counts_as_a_final_release(version, final):
    assert (final_key(version) is not None) is final


def test_equal_releases_compare_equal():
    assert final_key("2.1") == final_key("2.1.0") == final_key("2.1.0+local")
    assert final_key("1!0.1") > final_key("9.9")  # type: ignore[operator]


@pytest.mark.parametrize(
    ("filename", "version"),
    [
        ("torch-2.15.0-cp312-cp312-manylinux_2_28_x86_64.whl", "2.15.0"),
        ("dm-haiku-0.0.10.tar.gz", "0.0.10"),
        ("dm_haiku-0.0.13.tar.gz", "0.0.13"),
        ("Alpha-Legacy-2.0.0.zip", "2.0.0"),
        ("foo-1.0-py2.7.egg", "1.0"),
        ("foo-1.0.win32.exe", None),
        ("README", None),
    ],
)
def test_the_version_in_a_file_name(filename, version):
    assert file_version(filename) == version


@pytest.mark.parametrize(
    ("latest", "claimed", "newer"),
    [
        ("2.21.0", "2.21", False),
        ("2.21.1", "2.21", False),
        ("2.22.0", "2.21", True),
        ("0.12.0.1", "0.10.2", True),
        ("1.0", "1.0.0", False),
        ("2.20.0", "2.21", False),
        ("2.22.0", "", False),
        ("2.22.0", "latest", False),
    ],
)
def test_newer_than_reads_the_claim_at_its_own_precision(latest, claimed, newer):
    assert newer_than(latest, claimed) is newer


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "end"),
    [
        ("2021", date(2021, 12, 31)),
        ("2024-02", date(2024, 2, 29)),
        ("2024-09-04", date(2024, 9, 4)),
        ("2024-13", None),
        ("0000", None),
        ("2024-2-30", None),
        ("unverified", None),
        ("", None),
    ],
)
def test_an_as_of_is_a_period_that_ends(as_of, end):
    assert period_end(as_of) == end


@pytest.mark.parametrize(
    ("day", "months", "before"),
    [
        (date(2026, 11, 30), 18, date(2025, 5, 30)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
    ],
)
def test_months_before(day, months, before):
    assert months_before(day, months) == before


# --- pip's configuration --------------------------------------------------------------------------


def test_pip_config_files_in_pips_order(tmp_path):
    env = {"HOME": "/home/u", "XDG_CONFIG_DIRS": "/a:/b"}
    assert config_files(env, prefix="/venv") == [
        "/a/pip/pip.conf",
        "/b/pip/pip.conf",
        "/etc/pip.conf",
        "/home/u/.pip/pip.conf",
        "/home/u/.config/pip/pip.conf",
        "/venv/pip.conf",
    ]
    named = tmp_path / "pip.conf"
    named.write_text("")
    with_file = config_files({**env, "PIP_CONFIG_FILE": str(named)}, prefix="/venv")
    assert with_file == [
        "/a/pip/pip.conf",
        "/b/pip/pip.conf",
        "/etc/pip.conf",
        "/venv/pip.conf",
        str(named),
    ]
    assert config_files({**env, "PIP_CONFIG_FILE": os.devnull}) == []


def test_later_files_win_and_install_beats_global(tmp_path):
    first, second = tmp_path / "a.conf", tmp_path / "b.conf"
    first.write_text("[install]\nindex_url = https://install.example/simple\n")
    second.write_text("[global]\nindex-url = https://global.example/simple\n")
    assert pip_index({}, [str(first), str(second)]) == (
        "https://install.example/simple",
        f"{first} [install]",
    )
    first.write_text("[global]\nindex-url = https://old.example/simple\n")
    assert pip_index({}, [str(first), str(second)]) == (
        "https://global.example/simple",
        f"{second} [global]",
    )
    assert pip_index({"PIP_INDEX_URL": "https://env.example/"}, [str(second)]) == (
        "https://env.example/",
        "PIP_INDEX_URL",
    )


def test_a_local_pip_index_falls_back_to_pypi_and_says_why(tmp_path):
    conf = tmp_path / "pip.conf"
    conf.write_text("[global]\nindex-url = file:///opt/pypi/simple\n")
    choice = choose_index(None, {}, [str(conf)])
    assert (choice.url, choice.origin) == (PYPI, "PyPI")
    assert choice.note == (
        f"pip's index file:///opt/pypi/simple (from {conf} [global]) is not an HTTP index, "
        "so it has no JSON simple API to ask; asked PyPI instead"
    )


def test_no_index_anywhere_means_pypi(tmp_path):
    conf = tmp_path / "pip.conf"
    conf.write_text(
        "[global]\nextra-index-url = file:///opt/pypi/simple\nfind-links = /opt/wheels\n"
    )
    choice = choose_index(None, {}, [str(conf)])
    assert (choice.url, choice.origin, choice.note) == (PYPI, "PyPI: pip names no index-url", "")


def test_a_broken_pip_conf_is_named(tmp_path):
    conf = tmp_path / "pip.conf"
    conf.write_text("index-url = https://x/\n")
    with pytest.raises(UserError) as caught:
        choose_index(None, {}, [str(conf)])
    assert str(caught.value).startswith(f"{conf}: pip cannot read this config file either: ")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://u:p@h/simple/", "https://***@h/simple/"),
        ("https://token@h:8080/", "https://***@h:8080/"),
        ("https://h/a@b/", "https://h/a@b/"),
        ("https://h/simple/", "https://h/simple/"),
    ],
)
def test_credentials_never_show(url, shown):
    assert redact(url) == shown


@pytest.mark.parametrize("url", ["ftp://h/simple/", "/srv/simple", "http://h:port/", "https:///x"])
def test_only_http_index_urls(url):
    with pytest.raises(UserError, match="is not an HTTP\\(S\\) URL"):
        choose_index(url, {})


# --- claims ---------------------------------------------------------------------------------------


def test_the_claims_of_the_fixture_rule_base(monkeypatch):
    monkeypatch.chdir(ROOT)
    claims = claims_from(load_rules(base=FRESH))
    assert [(c.package, c.subject, c.status, c.as_of, c.version) for c in claims] == [
        ("alpha-core", 'framework "alpha"', "active", "", ""),
        ("alpha-hi", 'companion "alpha-hi" of alpha', "active", "2026-11", ""),
        ("Alpha_Legacy", 'companion "alpha-old" of alpha', "inactive", "2024-01", ""),
        ("alpha-core", 'companion "alpha-api" of alpha', "maintenance", "2026-11", ""),
        ("beta", 'framework "beta"', "active", "", ""),
        ("beta-kit", 'companion "beta-kit" of beta', "active", "2026-11", ""),
        ("alpha-core", 'fact "alpha-fast"', "", "2025-06", ""),
        ("alpha-core", 'fact "alpha-version"', "", "2026-11", "1.2"),
        ("no-such-package", 'rule "r-typo"', "", "2026-11", ""),
        ("beta-kit", 'rule "r-fine"', "", "2026-11", ""),
        ("beta-plugin", "package claim", "inactive", "2026-11", ""),
    ]
    assert [c.origin for c in claims[:3]] == [
        "tests/data/freshness/frameworks.yaml:2:5",
        "tests/data/freshness/frameworks.yaml:8:9",
        "tests/data/freshness/frameworks.yaml:11:9",
    ]
    assert claims[-1].origin == "tests/data/freshness/packages.yaml:3:5"


def test_every_shipped_package_claim_is_found(shipped):
    claims = claims_from(shipped)
    found = {(c.package, c.subject) for c in claims}
    for fw in shipped.frameworks:
        assert {(p, f'framework "{fw.id}"') for p in fw.packages} <= found
        for c in fw.companions:
            assert bool(c.package) == ((c.package, f'companion "{c.id}" of {fw.id}') in found)
    assert {(p.package, "package claim") for p in shipped.packages} <= found
    assert all(c.origin for c in claims)


def test_a_package_name_is_checked_where_it_is_written(tmp_path):
    (tmp_path / "extra.yaml").write_text(
        "packages:\n"
        "  - {package: 'not a name', status: gone, as_of: '2026-11', claim: x, source: y}\n"
    )
    with pytest.raises(UserError) as caught:
        load_rules(str(tmp_path), base=MINI)
    messages = [str(e) for e in getattr(caught.value, "errors", [caught.value])]
    where = f"{tmp_path / 'extra.yaml'}"
    assert any(
        m.startswith(where) and "expected a package name such as tensorflow-metal" in m
        for m in messages
    )
    assert any(
        "unknown value 'gone'" in m and "active, inactive, maintenance" in m for m in messages
    )


def test_a_package_claimed_twice_needs_override(tmp_path):
    claim = "  - {package: %s, status: inactive, as_of: '2026-11', claim: x, source: y%s}\n"
    (tmp_path / "a.yaml").write_text("packages:\n" + claim % ("jax-metal", ""))
    (tmp_path / "b.yaml").write_text("packages:\n" + claim % ("jax-metal", ""))
    with pytest.raises(UserError, match='duplicate package claim id "jax-metal"'):
        load_rules(str(tmp_path), base=MINI)
    (tmp_path / "b.yaml").write_text("packages:\n" + claim % ("jax-metal", ", override: true"))
    assert [p.package for p in load_rules(str(tmp_path), base=MINI).packages] == ["jax-metal"]


# --- a route's support level as a claim -----------------------------------------------------------


def test_a_limited_route_claims_no_activity_either_way(shipped):
    """`limited` (TensorFlow.js, LiteRT from JAX) is a known reduced-support state: neither a claim
    that the package still releases (active-stale) nor that it stopped (quiet-released)."""
    tfjs = tuple(c for c in claims_from(shipped) if c.subject.startswith('route "TensorFlow.js"'))
    assert [(c.package, c.status, c.as_of) for c in tfjs] == [("tensorflowjs", "", "2025-06")]
    old = datetime(2024, 10, 21, tzinfo=UTC)
    releases = Releases(Upload("4.22.0", old), Upload("4.22.0", old), 1, 0)
    entry = Entry("tensorflowjs", "found", releases)
    today = date(2026, 11, 30)
    assert find(tfjs, {"tensorflowjs": entry}, today) == ()
    fresh = datetime(2026, 11, 1, tzinfo=UTC)
    entry = Entry("tensorflowjs", "found", Releases(Upload("5.0.0", fresh), None, 1, 0))
    assert [f.check for f in find(tfjs, {"tensorflowjs": entry}, today)] == ["older-than-release"]
    # the same claim marked active, as before, is stale
    (claim,) = tfjs
    stale = Claim(claim.package, claim.subject, claim.origin, "active", claim.as_of)
    assert [f.check for f in find((stale,), {"tensorflowjs": entry}, date(2028, 11, 30))] == [
        "active-stale",
        "older-than-release",
    ]


# --- the fetch seam -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "state", "problem"),
    [
        (Response(410), "missing", ""),
        (Response(503, reason="Service Unavailable"), "error", "HTTP 503 Service Unavailable"),
        (
            Response(200, "text/html", b"<html>"),
            "error",
            f"answered text/html, not {JSON_TYPE}: "
            "the index does not offer the JSON simple API (PEP 691)",
        ),
    ],
)
def test_look_up_turns_every_answer_into_an_entry(answer, state, problem):
    entry = look_up(lambda url: answer, "https://i/simple", "Some_Pkg")
    assert (entry.package, entry.state, entry.problem) == ("some-pkg", state, problem)


def test_look_up_asks_for_the_normalized_name():
    asked = []

    def fetch(url: str) -> Response:
        asked.append(url)
        raise Unreachable("Connection refused")

    assert look_up(fetch, "https://i/simple/", "Flax.NNX").state == "unreachable"
    assert asked == ["https://i/simple/flax-nnx/"]


def test_a_bug_in_the_transport_is_not_swallowed():
    def fetch(url: str) -> Response:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        look_up_all(fetch, "https://i/simple/", ["a", "b"], time.monotonic() + 5)


def test_the_deadline_holds_even_when_the_transport_ignores_it():
    def fetch(url: str) -> Response:
        time.sleep(3)
        return Response(404)

    start = time.monotonic()
    entries = look_up_all(fetch, "https://i/simple/", ["a", "b"], start + 0.3)
    assert time.monotonic() - start < 1.5
    assert entries == {
        "a": Entry("a", "unreachable", problem="timed out"),
        "b": Entry("b", "unreachable", problem="timed out"),
    }


def test_a_signal_on_another_thread_is_seen_before_the_deadline():
    """The kernel may hand SIGINT to a lookup thread; its handler runs only once the main thread
    runs, so the main thread waits on the lookups in slices, not until the deadline."""
    code = textwrap.dedent("""
        import signal, sys, threading, time
        from recommender.freshness.fetch import Response
        from recommender.freshness.index import look_up_all

        def fetch(url):
            time.sleep(20)
            return Response(404)

        def interrupt_this_thread():
            time.sleep(0.3)
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)

        threading.Thread(target=interrupt_this_thread, daemon=True).start()
        start = time.monotonic()
        try:
            look_up_all(fetch, "https://i/simple/", ["a", "b"], start + 30)
        except KeyboardInterrupt:
            print(f"interrupted after {time.monotonic() - start:.1f} s")
    """)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("interrupted after ")
    assert float(proc.stdout.split()[2]) < 5


# --- the command's wiring -------------------------------------------------------------------------


def test_the_command_offers_exactly_the_formats_there_are():
    assert tuple(render.FORMATS) == FORMATS


def test_other_commands_do_not_import_the_freshness_code():
    code = textwrap.dedent("""
        import sys, io, contextlib
        from recommender.cli import main
        for argv in (["rules", "list"], ["recommend", "-a", "deployment=mobile"]):
            with contextlib.redirect_stdout(io.StringIO()):
                main(argv)
        print(sorted(m for m in sys.modules if m.startswith("recommender.freshness")
                     or m in ("urllib.request", "http.client", "configparser")))
    """)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "RECOMMENDER_BASE_RULES": str(MINI), "PATH": ""},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_claim_values_are_frozen():
    claim = Claim("x", "y", "z")
    with pytest.raises(AttributeError):
        claim.package = "other"  # type: ignore[misc]
