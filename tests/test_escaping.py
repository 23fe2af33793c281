"""Hostile strings through every output format of diff, drift and validate.

Every string field of the three reports gets a generated string made of Markdown and HTML syntax,
mentions, issue references, newlines, terminal escapes, workflow commands, bidi and zero-width
characters.  Each output is compared with the output of the same report whose strings are all ``x``:

* text formats: the same number of lines, no control, format or separator character, no line that a
  CI runner reads as a workflow command;
* Markdown, read by cmark-gfm (GitHub's renderer, raw HTML allowed through so that none can hide): the
  same HTML elements in the same order, no comment but the marker, no ``@`` or ``#`` outside code;
* HTML: the same elements in the same order, no unsafe character in any text.
"""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from xml.etree import ElementTree

import cmarkgfm
from cmarkgfm.cmark import Options
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitops_gen.base import escape
from gitops_gen.base.errors import Location
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.severity import Severity
from gitops_gen.base.status import ChangeStatus, DriftStatus
from gitops_gen.blueprint.provenance import Chain, Layer
from gitops_gen.diff.formats import FORMATS as DIFF_FORMATS
from gitops_gen.diff.model import AppChange, ChangeReport, ClusterChange, FieldChange, ObjectChange, Risk
from gitops_gen.drift.formats import FORMATS as DRIFT_FORMATS
from gitops_gen.drift.model import AppStatus, ClusterReport, DriftItem, DriftReport, Resolved
from gitops_gen.drift.model import Change as DriftChange
from gitops_gen.explain import as_text as explain_text
from gitops_gen.render.origins import FieldOrigin, ObjectOrigins
from gitops_gen.report import model as evidence
from gitops_gen.report.formats import FORMATS as REPORT_FORMATS
from gitops_gen.validate.findings import Finding, Report
from gitops_gen.validate.formats import FORMATS as VALIDATE_FORMATS

FRAGMENTS = ["<img src=x onerror=alert(1)>", "</details>", "<!--", "-->", "@team", "@org/team", "#123", "`", "``",
             "```", "\n", "\r\n", "\r", "\x1b[31m", "\x1b]8;;https://example.com\x07", "\x07", "\x00", "\x85",
             "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\u2028", "|", "\\", "\\|", "*", "_", "~~",
             "[x](https://example.com)", "https://example.com", "::error title=x::y", "::", "&lt;", "&", " ",
             "a", "\ud800", "> quote", "# heading", "- item", "    ", "<script>", "'", '"']
HOSTILE = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map("".join)
UNSAFE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
TEXT_FORMATS = [("diff", "text"), ("drift", "text"), ("validate", "text"), ("explain", "text")]
MARKDOWN_FORMATS = [("diff", "markdown"), ("drift", "markdown")]
Strings = Callable[[], str]


def _strings(values: list[str]) -> Strings:
    it = itertools.cycle(values)
    return lambda: next(it)


def _ref(s: Strings) -> ObjectRef:
    return ObjectRef(s(), s(), s(), s())


def _finding(s: Strings, severity: Severity, file: str | None = None) -> Finding:
    return Finding(s(), severity, _ref(s), s(), s(), s() if file is None else file, 3, Location(s(), 2, 1))


def diff_report(s: Strings) -> ChangeReport:
    fields = (FieldChange(s(), s(), s()), FieldChange(s(), None, {s(): [s()]}))
    apps = (AppChange(s(), ChangeStatus.MODIFIED, fields, (ObjectChange(ChangeStatus.ADDED, _ref(s), fields),)),
            AppChange("bootstrap", ChangeStatus.ADDED, (), (ObjectChange(ChangeStatus.REMOVED, _ref(s)),)))
    return ChangeReport(s(), s(), (ClusterChange(s(), s(), True, apps),),
                        (Risk(s(), Severity.ERROR, s(), s(), _ref(s), s()),),
                        (_finding(s, Severity.ERROR),), (_finding(s, Severity.WARNING),), (s(),))


def drift_report(s: Strings) -> DriftReport:
    change = (DriftChange(s(), s(), s()),)
    items = (DriftItem(DriftStatus.MODIFIED, _ref(s), change, "", s(), s(), s(), s(), "known", s()),
             DriftItem(DriftStatus.MISSING, _ref(s), (), "", s(), s(), s(), s(), "new"),
             DriftItem(DriftStatus.EXTRA, _ref(s), (), "", "", "", "", s()),
             DriftItem(DriftStatus.UNKNOWN, _ref(s), (), s()))
    apps = (AppStatus(s(), s(), s(), s(), s(), True, s()),)
    clusters = (ClusterReport(s(), s(), items, apps, warnings=(s(),)), ClusterReport(s(), s(), error=s(), dump=s()))
    return DriftReport(clusters, {}, s(), s(), (Resolved(s(), _ref(s), s(), s(), s(), s()),))


def validate_report(s: Strings) -> Report:
    file = s()  # one file: text groups findings by file
    return Report(3, tuple(_finding(s, severity, file) for severity in Severity))


def evidence_report(s: Strings) -> evidence.Report:
    quota = evidence.Quota(s(), s(), s(), s(), {"requests.cpu": s()})
    return evidence.Report(
        s(), s(), (evidence.Deployed(s(), s(), s(), s(), s(), True, True),),
        (evidence.Grant(s(), s(), s(), s(), s(), s()),),
        evidence.Capacity((quota,), {s(): {"pods": s()}}, {s(): {"namespaces": "1", "pods": s()}}, {s(): (s(),)},
                          ((s(), s()),)),
        evidence.Posture({s(): {"error": 1}}, (evidence.Exception_(s(), s(), s(), s(), s(), 3, s()),), s()),
        (evidence.Commit(s(), s(), s(), s(), s(), (s(),)),),
        (evidence.ClusterDrift(s(), (evidence.DriftPoint(s(), 1),), 1, 1.0),), s(), (s(),))


def explained(s: Strings) -> str:
    layer = Layer(s(), s(), Location(s(), 1, 1), s())
    found = ObjectOrigins(_ref(s), s(), (FieldOrigin(s(), s(), Chain((), (layer, layer))), FieldOrigin(s(), s(), None)))
    return explain_text([found], every=True)


def outputs(s: Callable[[], Strings]) -> Iterator[tuple[str, str, str]]:
    for name, fmt in DIFF_FORMATS.items():
        yield "diff", name, fmt(diff_report(s()), 65_000, False)
    for name, fmt in DRIFT_FORMATS.items():
        yield "drift", name, fmt(drift_report(s()), False)
    for name, fmt in VALIDATE_FORMATS.items():
        yield "validate", name, fmt(validate_report(s()), False)
    for name, fmt in REPORT_FORMATS.items():
        yield "report", name, fmt(evidence_report(s()))
    yield "explain", "text", explained(s())


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.comments: list[str] = []
        self.outside_code: list[str] = []
        self.texts: list[str] = []
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag + "".join(sorted(f" {k}" for k, _ in attrs)))
        self._code += tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)
        self._code -= tag == "code"

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if not self._code:
            self.outside_code.append(data)


def _elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def _markdown(text: str) -> _Elements:
    return _elements(cmarkgfm.github_flavored_markdown_to_html(text, Options.CMARK_OPT_UNSAFE))


def _unsafe(text: str, allowed: str = "\n") -> list[str]:
    return [c for c in text if c not in allowed and unicodedata.category(c) in UNSAFE]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HOSTILE, min_size=7, max_size=7))
def test_hostile_strings_change_no_output_structure(values: list[str]) -> None:
    hostile = {(c, n): out for c, n, out in outputs(lambda: _strings(values))}
    plain = {(c, n): out for c, n, out in outputs(lambda: _strings(["x"]))}
    for (command, name), out in hostile.items():
        where = f"{command} -o {name}"
        if name in ("json", "sarif"):
            continue  # machine formats carry values whole; json.dumps escapes what JSON must
        if name == "csv":  # the same rows and cells, and no cell a spreadsheet runs as a formula
            rows = list(csv.reader(io.StringIO(out, newline="")))
            expected_rows = list(csv.reader(io.StringIO(plain[command, name], newline="")))
            assert [len(r) for r in rows] == [len(r) for r in expected_rows], where
            assert not [c for r in rows for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")], where
        if name in ("text", "github"):
            assert out.count("\n") == plain[command, name].count("\n"), where
        if name in ("text", "github", "junit"):
            assert not _unsafe(out, "\n"), where
        if name in ("text", "junit"):
            assert not [line for line in out.splitlines() if line.lstrip().startswith("::")], where
        if name == "junit":
            ElementTree.fromstring(out.encode())  # well-formed: XML 1.0 cannot hold control characters
        if name == "github":  # each line is one of our workflow commands, or the summary
            commands = [line for line in out.splitlines() if line.startswith("::")]
            assert len(commands) == len(out.splitlines()) - 1, where
            assert all(line.split(" ", 1)[0] in ("::error", "::warning", "::notice") for line in commands), where
        if name == "markdown":
            seen, expected = _markdown(out), _markdown(plain[command, name])
            assert seen.tags == expected.tags, where
            assert seen.comments == expected.comments, where
            assert not [t for t in seen.outside_code if "@" in t or "#" in t], where
            assert not _unsafe("".join(seen.texts), "\n"), where
        if name == "html":
            seen, expected = _elements(out), _elements(plain[command, name])
            assert seen.tags == expected.tags, where
            assert not _unsafe("".join(seen.texts), "\n"), where


def test_a_code_span_outlasts_any_backtick_run() -> None:
    assert escape.md("a``b") == "```a``b```"
    assert escape.md("`x`") == "`` `x` ``"
    assert escape.md("a|b") == "`a\\|b`"
    assert escape.md("a\\|b") == "`a\\\\\\|b`"  # an odd count before the pipe: GitHub keeps the cell


def test_text_shows_controls_and_disarms_workflow_commands() -> None:
    assert escape.text("a\nb\x1b[31m\u202e") == "a\\nb\\x1b[31m\\u202e"
    assert escape.text("  ::error::x") == "  \\x3a:error::x"
    assert escape.text("\ud800") == "\\ud800"
