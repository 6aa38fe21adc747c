"""``rules freshness`` end to end, against a real package index on loopback (tests/indexkit.py).

The fixture rule base (tests/data/freshness) makes one claim per situation; FINDINGS is what the
index must contradict, worked out by hand from the claims and the upload days in
indexkit.PROJECTS."""

from __future__ import annotations

import json
import socket
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, run_cli
from indexkit import TODAY, Index, answer, page, standard_routes

from recommender.cli import main

BASE = ROOT / "tests" / "data" / "freshness"
FW = "tests/data/freshness/frameworks.yaml"
FINDINGS = [
    f'{FW}:8:9: [active-stale] companion "alpha-hi" of alpha: marked active (as of 2026-11), but '
    "alpha-hi's latest release, 0.9.0, is from 2025-03-30: none in 18 months",
    f'{FW}:11:9: [quiet-released] companion "alpha-old" of alpha: marked inactive (as of 2024-01), '
    "but Alpha_Legacy 2.0.0 was released on 2026-10-31, within 3 months",
    f'{FW}:11:9: [older-than-release] companion "alpha-old" of alpha: dated 2024-01, before '
    "Alpha_Legacy 2.0.0 (2026-10-31): re-check this claim",
    f'{FW}:18:9: [older-than-release] fact "alpha-fast": dated 2025-06, before alpha-core 1.3.0 '
    "(2026-11-20): re-check this claim",
    f'{FW}:21:9: [older-than-release] fact "alpha-version": checked against 1.2, before alpha-core '
    "1.3.0 (2026-11-20): re-check this claim",
    'tests/data/freshness/rules.yaml:2:5: [not-on-index] rule "r-typo": no-such-package is not on '
    "the index: check the package name",
]
PACKAGES = 7  # alpha-core, alpha-hi, alpha-legacy, beta, beta-kit, no-such-package, beta-plugin


@pytest.fixture(autouse=True)
def fixture_rules(monkeypatch):
    """The fixture rule base, messages relative to the checkout, no proxy in front of loopback."""
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(BASE))
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.chdir(ROOT)


def freshness(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(["rules", "freshness", "--today", TODAY.isoformat(), *args])
    out, err = capsys.readouterr()
    return rc, out, err


def findings_of(table: str) -> list[str]:
    return table.split(" claims\n", 1)[1].splitlines()


def test_the_index_contradicts_exactly_the_claims_it_should(capsys):
    with Index() as index:
        rc, out, err = freshness(capsys, "--index-url", index.url)
    assert (rc, err) == (1, "")
    assert out.startswith(f"Index: {index.url} (--index-url); today: 2026-11-30\n")
    assert "6 findings on 11 claims\n" in out
    assert findings_of(out) == FINDINGS
    assert {accept for _, accept in index.requests} == {"application/vnd.pypi.simple.v1+json"}
    assert sorted(path for path, _ in index.requests) == sorted(
        f"/simple/{name}/"
        for name in (
            "alpha-core",
            "alpha-hi",
            "alpha-legacy",  # Alpha_Legacy, normalized (PEP 503)
            "beta",
            "beta-kit",
            "no-such-package",
            "beta-plugin",
        )
    )


def test_the_table_dates_the_latest_release_not_prereleases_or_yanked_files(capsys):
    with Index() as index:
        _, out, _ = freshness(capsys, "--index-url", index.url)
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:10]}
    # 1.3.0 is dated by its later wheel; 1.4.0rc1 is only the newest upload
    assert rows["alpha-core"][1:5] == ["1.3.0", "(2026-11-20)", "1.4.0rc1", "(2026-11-28)"]
    # the yanked 1.1.0 counts for neither column
    assert rows["beta-kit"][1:5] == ["1.0.0", "(2026-10-01)", "2.0.0b1", "(2026-11-27)"]
    assert rows["no-such-package"][1:5] == ["not", "on", "the", "index"]


JSON_SCHEMA = {
    "type": "object",
    "required": [
        "schema_version",
        "today",
        "index",
        "thresholds",
        "checks",
        "packages",
        "findings",
    ],
    "properties": {
        "schema_version": {"const": 1},
        "today": {"type": "string", "format": "date"},
        "index": {
            "type": "object",
            "required": ["url", "from", "note"],
            "properties": {"url": {"type": "string"}, "from": {"type": "string"}},
        },
        "checks": {"type": "array", "items": {"type": "string"}},
        "packages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["package", "state", "problem", "latest", "newest_upload", "claims"],
                "properties": {
                    "state": {"enum": ["found", "missing", "error", "unreachable"]},
                    "latest": {"$ref": "#/$defs/upload"},
                    "newest_upload": {"$ref": "#/$defs/upload"},
                    "files": {"type": "integer", "minimum": 0},
                    "claims": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/claim"}},
                },
            },
        },
        "findings": {
            "type": "array",
            "items": {
                "allOf": [{"$ref": "#/$defs/claim"}],
                "required": ["check", "message"],
            },
        },
    },
    "$defs": {
        "upload": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["version", "uploaded"],
                    "properties": {
                        "version": {"type": "string"},
                        "uploaded": {"type": ["string", "null"], "pattern": r"^\d{4}-\d\d-\d\dT"},
                    },
                },
            ]
        },
        "claim": {
            "type": "object",
            "required": ["package", "subject", "origin", "status", "as_of", "version"],
            "properties": {"status": {"enum": ["active", "maintenance", "inactive", None]}},
        },
    },
}


def test_json_output_fits_its_contract(capsys):
    with Index() as index:
        rc, out, _ = freshness(capsys, "--index-url", index.url, "--format", "json")
    doc = json.loads(out)
    jsonschema.validate(doc, JSON_SCHEMA)
    assert rc == 1
    assert doc["summary"] == {"packages": PACKAGES, "claims": 11, "findings": 6, "unchecked": 0}
    by_name = {p["package"]: p for p in doc["packages"]}
    assert by_name["beta-kit"]["latest"] == {
        "version": "1.0.0",
        "uploaded": "2026-10-01T12:30:05Z",
    }
    assert by_name["beta-kit"]["files"] == 2  # the yanked wheel is not counted
    assert by_name["no-such-package"]["state"] == "missing"
    version_claim = by_name["alpha-core"]["claims"][3]
    assert (version_claim["subject"], version_claim["version"]) == ('fact "alpha-version"', "1.2")
    assert [f["check"] for f in doc["findings"]] == [
        line.split("[")[1].split("]")[0] for line in FINDINGS
    ]


def test_markdown_output(capsys):
    with Index() as index:
        rc, out, _ = freshness(capsys, "--index-url", index.url, "-f", "markdown")
    lines = out.splitlines()
    assert rc == 1 and lines[0] == "## Package freshness, 2026-11-30"
    assert "| package | latest release | newest upload | claims | flags |" in lines
    assert "| alpha-core | 1.3.0 (2026-11-20) | 1.4.0rc1 (2026-11-28) | 4 | 2 |" in lines
    assert "### 6 findings on 11 claims" in lines
    assert lines[-1] == (
        '- `tests/data/freshness/rules.yaml:2:5` **not-on-index** rule "r-typo": '
        "no-such-package is not on the index: check the package name"
    )


def test_output_file_is_written_whole(capsys, tmp_path):
    target = tmp_path / "fresh.json"
    with Index() as index:
        rc, out, _ = freshness(capsys, "--index-url", index.url, "-f", "json", "-o", str(target))
    assert (rc, out) == (1, "")
    assert json.loads(target.read_text())["summary"]["findings"] == 6
    assert [p.name for p in tmp_path.iterdir()] == ["fresh.json"]


def test_nothing_flagged_exits_0(capsys, tmp_path, monkeypatch):
    (tmp_path / "frameworks.yaml").write_text(
        "frameworks:\n"
        "  - id: beta\n    name: Beta\n    developed_by: Test\n    packages: [beta]\n"
        "    companions:\n"
        "      - {id: kit, name: Kit, package: beta-kit, status: active, status_as_of: '2026-11',"
        " source: test}\n"
    )
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(tmp_path))
    with Index() as index:
        rc, out, err = freshness(capsys, "--index-url", index.url)
    assert (rc, err) == (0, "")
    assert out.endswith("\n0 findings on 2 claims\n")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_index_is_one_line_exit_2(capsys):
    url = f"http://127.0.0.1:{closed_port()}/simple/"
    rc, out, err = freshness(capsys, "--index-url", url)
    assert (rc, out) == (2, "")
    assert (
        err
        == f"recommender: cannot reach the package index {url} (--index-url): Connection refused\n"
    )


def test_an_index_that_never_answers_times_out(capsys):
    with Index({}) as index:
        index.routes.update(dict.fromkeys(standard_routes(), index.hang))
        start = time.monotonic()
        rc, out, err = freshness(capsys, "--index-url", index.url, "--timeout", "1")
    assert time.monotonic() - start < 5
    assert (rc, out) == (2, "")
    assert (
        err == f"recommender: cannot reach the package index {index.url} (--index-url): timed out\n"
    )


def test_malformed_json_for_one_package_is_reported_after_the_rest(capsys):
    routes = standard_routes()
    routes["/simple/alpha-hi/"] = answer(b'{"meta": {"api-version": "1.1"}, "files": [')
    with Index(routes) as index:
        rc, out, err = freshness(capsys, "--index-url", index.url)
    assert rc == 2
    assert "alpha-hi         error: not JSON: Expecting value" in out  # the report still comes
    assert err.count("\n") == 1 and err.startswith(
        f"recommender: 1 of {PACKAGES} packages could not be checked at {index.url}: "
        "alpha-hi: not JSON: Expecting value"
    )


def test_a_huge_answer_is_cut_off(capsys):
    routes = standard_routes()
    with Index(routes) as index:
        routes["/simple/alpha-hi/"] = index.endless
        rc, _, err = freshness(capsys, "--index-url", index.url)
    assert rc == 2
    assert "alpha-hi: the answer is over the 16,777,216-byte limit" in err
    assert index.sent < 64 << 20  # the client stopped reading; the server would go on to 256 MiB


def test_a_declared_huge_answer_is_refused_unread(capsys):
    def huge(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
        handler.send_header("Content-Length", str(10**9))
        handler.end_headers()

    routes = standard_routes()
    routes["/simple/alpha-hi/"] = huge
    with Index(routes) as index:
        rc, _, err = freshness(capsys, "--index-url", index.url)
    assert rc == 2
    assert "alpha-hi: the answer is 1,000,000,000 bytes, over the 16,777,216-byte limit" in err


def test_an_html_only_index_is_named_as_such(capsys):
    routes = {p: answer(b"<html></html>", "text/html") for p in standard_routes()}
    with Index(routes) as index:
        rc, out, err = freshness(capsys, "--index-url", index.url)
    assert (rc, out) == (2, "")
    assert err == (
        f"recommender: cannot use the package index {index.url} (--index-url): alpha-core: "
        "answered text/html, not application/vnd.pypi.simple.v1+json: the index does not offer "
        "the JSON simple API (PEP 691)\n"
    )


def test_an_index_without_upload_times_says_so(capsys):
    from indexkit import PROJECTS

    undated: dict[str, list[tuple[str, int | None, bool]]] = {
        n: [(f, None, y) for f, _, y in files] for n, files in PROJECTS.items()
    }
    routes = {f"/simple/{n}/": answer(page(n, files)) for n, files in undated.items()}
    with Index(routes) as index:
        rc, out, err = freshness(capsys, "--index-url", index.url)
    assert (rc, out) == (2, "")
    assert err == (
        f"recommender: the package index {index.url} (--index-url) gives no upload-time (PEP 700), "
        "so no release can be dated; try --index-url https://pypi.org/simple/\n"
    )


def test_a_url_that_is_no_simple_index_has_none_of_the_packages(capsys):
    with Index({}) as index:
        rc, out, err = freshness(capsys, "--index-url", index.url)
    assert (rc, out) == (2, "")
    assert err == (
        f"recommender: the package index {index.url} (--index-url) has none of the {PACKAGES} "
        "packages: is it a simple index (a URL ending in /simple/)?\n"
    )


def test_redirects_are_followed_within_http(capsys):
    routes = standard_routes()
    moved = routes.pop("/simple/alpha-hi/")
    routes["/elsewhere/alpha-hi/"] = moved

    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(301)
        handler.send_header("Location", "/elsewhere/alpha-hi/")
        handler.end_headers()

    routes["/simple/alpha-hi/"] = redirect
    with Index(routes) as index:
        rc, out, _ = freshness(capsys, "--index-url", index.url)
    assert rc == 1 and findings_of(out) == FINDINGS


def test_a_redirect_to_another_scheme_is_refused(capsys):
    def to_file(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", "file:///etc/passwd")
        handler.end_headers()

    routes = standard_routes()
    routes["/simple/alpha-hi/"] = to_file
    with Index(routes) as index:
        rc, _, err = freshness(capsys, "--index-url", index.url)
    assert rc == 2
    assert err.endswith(
        ": alpha-hi: HTTP 302: a redirect in a loop, past the fifth, or away from http(s)\n"
    )


def test_a_redirect_loop_is_one_line(capsys):
    def loop(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", handler.path)
        handler.end_headers()

    routes = standard_routes()
    routes["/simple/alpha-hi/"] = loop
    with Index(routes) as index:
        rc, out, err = freshness(capsys, "--index-url", index.url)
    assert rc == 2 and err.count("\n") == 1
    assert (
        "alpha-hi         error: HTTP 302: a redirect in a loop, past the fifth, or away f...  "
        in out
    )


def test_credentials_in_the_url_are_sent_once_and_never_shown(capsys):
    seen: list[str | None] = []
    routes = standard_routes()
    plain = routes["/simple/alpha-hi/"]

    def check_auth(handler: BaseHTTPRequestHandler) -> None:
        seen.append(handler.headers.get("Authorization"))
        plain(handler)

    routes["/simple/alpha-hi/"] = check_auth
    with Index(routes) as index:
        url = index.url.replace("http://", "http://reader:s3cret@")
        rc, out, _ = freshness(capsys, "--index-url", url)
    assert rc == 1
    assert seen == ["Basic cmVhZGVyOnMzY3JldA=="]  # base64 of reader:s3cret
    assert "s3cret" not in out and "http://***@127.0.0.1" in out


def write_pip_conf(path: Path, url: str, section: str = "global") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"[{section}]\nindex-url = {url}\n")
    return path


@pytest.fixture
def no_pip_env(monkeypatch, tmp_path):
    """pip's environment for a user whose home is ``tmp_path/home`` (/etc still counts)."""
    for var in ("PIP_INDEX_URL", "PIP_CONFIG_FILE", "XDG_CONFIG_HOME", "XDG_CONFIG_DIRS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "xdg"))
    return tmp_path


def test_the_index_comes_from_pip_config_file(capsys, no_pip_env, monkeypatch):
    with Index() as index:
        conf = write_pip_conf(no_pip_env / "pip.conf", index.url)
        monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
        rc, out, _ = freshness(capsys)
    assert rc == 1
    assert out.splitlines()[0] == f"Index: {index.url} ({conf} [global]); today: 2026-11-30"


def test_the_index_comes_from_the_users_pip_conf(capsys, no_pip_env):
    with Index() as index:
        conf = write_pip_conf(no_pip_env / "home" / ".config" / "pip" / "pip.conf", index.url)
        rc, out, _ = freshness(capsys)
    assert rc == 1
    assert out.splitlines()[0] == f"Index: {index.url} ({conf} [global]); today: 2026-11-30"


def test_pip_index_url_beats_the_config_files(capsys, no_pip_env, monkeypatch):
    write_pip_conf(no_pip_env / "home" / ".config" / "pip" / "pip.conf", "http://127.0.0.1:9/x/")
    with Index() as index:
        monkeypatch.setenv("PIP_INDEX_URL", index.url)
        rc, out, _ = freshness(capsys)
    assert rc == 1
    assert out.splitlines()[0] == f"Index: {index.url} (PIP_INDEX_URL); today: 2026-11-30"


def test_a_bad_index_url_is_a_usage_error(capsys):
    rc, out, err = freshness(capsys, "--index-url", "file:///srv/simple")
    assert (rc, out) == (2, "")
    assert err == (
        "recommender: --index-url: file:///srv/simple is not an HTTP(S) URL; the JSON simple API "
        "(PEP 691) is served over HTTP\n"
    )


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--today", "30/11/2026", "expected a day as YYYY-MM-DD, got '30/11/2026'"),
        ("--timeout", "0", "expected a number of seconds over 0 and up to 3600, got '0'"),
        ("--timeout", "nan", "expected a number of seconds over 0 and up to 3600, got 'nan'"),
    ],
)
def test_bad_options_are_one_line(capsys, flag, value, message):
    rc = main(["rules", "freshness", flag, value])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1
    assert f"argument {flag}: {message}" in err


def test_the_real_command_in_a_subprocess():
    with Index() as index:
        proc = run_cli(
            "rules",
            "freshness",
            "--index-url",
            index.url,
            "--today",
            "2026-11-30",
            "-f",
            "json",
            env={
                "RECOMMENDER_BASE_RULES": str(BASE),
                "NO_PROXY": "127.0.0.1",
                "no_proxy": "127.0.0.1",
            },
        )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["summary"]["findings"] == 6


def slow_headers(handler: BaseHTTPRequestHandler) -> None:
    """An answer whose header never ends, a byte at a time: no socket timeout ever fires."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    try:
        for _ in range(2000):
            handler.wfile.write(b"a")
            handler.wfile.flush()
            time.sleep(0.01)
    except OSError:  # the client cut the connection, as it should
        pass


def lookups_running() -> list[str]:
    import threading

    return [t.name for t in threading.enumerate() if t.name.endswith("(work)")]


def test_no_lookup_is_left_running_when_the_deadline_passes() -> None:
    """A lookup thread still reading (in OpenSSL, at PyPI) when the interpreter exited crashed
    the process at exit: SIGSEGV, exit 139, after the report had been printed. The deadline now
    cuts every connection, and the threads are waited for."""
    from indexkit import Index

    from recommender.freshness.fetch import http_fetch
    from recommender.freshness.index import ENDING, look_up_all

    with Index({f"/simple/p{i}/": slow_headers for i in range(3)}) as index:
        start = time.monotonic()
        deadline = start + 0.5
        entries = look_up_all(http_fetch(deadline), index.url, ["p0", "p1", "p2"], deadline)
        assert time.monotonic() - start < 0.5 + ENDING
        assert lookups_running() == []
    assert {e.state for e in entries.values()} == {"unreachable"}
    assert {e.problem for e in entries.values()} == {"timed out"}


def test_ending_the_transport_ends_a_fetch_in_progress_as_timed_out() -> None:
    import threading

    from indexkit import Index

    from recommender.freshness.fetch import Unreachable, http_fetch

    with Index({"/simple/p/": slow_headers}) as index:
        fetch = http_fetch(time.monotonic() + 60)
        threading.Timer(0.3, fetch.end).start()
        start = time.monotonic()
        with pytest.raises(Unreachable, match="^timed out$"):
            fetch(index.url + "p/")
        assert time.monotonic() - start < 5
        with pytest.raises(Unreachable, match="^timed out$"):  # and no new connection is made
            fetch(index.url + "p/")
