"""The building blocks of the pages: escaping, the JSON data blocks, links, the inlined assets."""

from __future__ import annotations

import json
import re

import pytest
from html_support import XSS, block
from hypothesis import given
from hypothesis import strategies as st

from recommender.render.html.links import linkify, links_in
from recommender.render.html.markup import Markup, el, esc, json_script, safe_inline, script_json
from recommender.render.html.page import asset, policy

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(JSON_VALUES)
def test_a_data_block_parses_back_to_the_same_value_and_cannot_end_early(value):
    text = script_json(value)
    assert json.loads(text) == value
    assert not re.search(r"</script|<!--|[<>&\u2028\u2029]", text, re.I)


@given(st.text())
def test_any_text_in_a_data_block_round_trips(text):
    assert block(json_script("x", {"t": text}), "x") == {"t": text}


def test_escape_sequences_replace_the_dangerous_characters():
    assert script_json("</script><!--&\u2028\u2029") == (
        '"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"'
    )


def test_text_and_attributes_are_escaped_and_markup_is_not():
    assert el("p", XSS, title=XSS) == (
        '<p title="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x '
        'onerror=alert(2)&gt;&lt;!-- \u2028\u2029 &amp;amp;">&lt;script&gt;alert(1)&lt;/script&gt;'
        "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&lt;!-- \u2028\u2029 &amp;amp;</p>"
    )
    assert el("div", el("b", "x"), cls="a", data_row=3, hidden=True, title=None) == (
        '<div class="a" data-row="3" hidden><b>x</b></div>'
    )
    assert esc(Markup("<b>")) == "<b>" and esc("<b>") == "&lt;b&gt;"


@pytest.mark.parametrize(
    ("source", "hrefs"),
    [
        (
            "LiteRT migration guide (ai.google.dev/edge/litert/migration); KNOWLEDGE.md",
            ["https://ai.google.dev/edge/litert/migration"],
        ),
        (
            "quoted in tensorflow/tensorflow#102071 (2025-10)",
            ["https://github.com/tensorflow/tensorflow/issues/102071"],
        ),
        ("see https://example.org/a_(b). Then", ["https://example.org/a_(b)"]),
        ("http://example.org/x, and more", ["http://example.org/x"]),
        ("torch.utils.tensorboard and jax.export and TF 2.20/2.21", []),
        ("javascript:alert(1) and data:text/html,<script>x</script>", []),
        (
            "(github.com/tensorflow/tensorflow/releases/tag/v2.11.1)",
            ["https://github.com/tensorflow/tensorflow/releases/tag/v2.11.1"],
        ),
    ],
)
def test_sources_link_only_what_names_a_web_page(source, hrefs):
    assert links_in(source) == hrefs
    assert re.findall(r'href="([^"]*)"', linkify(source)) == hrefs


def test_a_link_never_carries_markup_from_its_source():
    html = linkify('https://example.org/"onmouseover="x <script>')
    assert html == (
        '<a href="https://example.org/" rel="noopener noreferrer" target="_blank">'
        "https://example.org/</a>&quot;onmouseover=&quot;x &lt;script&gt;"
    )


@given(st.text())
def test_linkify_keeps_the_text_and_escapes_it(text):
    html = linkify(text)
    assert "<script" not in html.lower()
    plain = re.sub(r"<a [^>]*>|</a>", "", html)
    unescaped = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    assert unescaped.replace("&#x27;", "'").replace("&amp;", "&") == text


@pytest.mark.parametrize("name", ["report.css", "dom.js", "scorer.js", "report.js", "team.js"])
def test_the_assets_are_safe_to_inline(name):
    assert asset(name) == safe_inline(asset(name))


@pytest.mark.parametrize("bad", ["x</script>y", "a</STYLE>", "<!-- c"])
def test_an_asset_that_would_end_its_element_is_refused(bad):
    with pytest.raises(ValueError, match="must not contain"):
        safe_inline(bad)


def test_the_policy_allows_only_the_inlined_code():
    rule = policy("body{}", ["a()", "b()"])
    assert rule.startswith("default-src 'none'; style-src 'sha256-")
    assert rule.count("'sha256-") == 3 and "unsafe" not in rule and "http" not in rule
