"""The pull-request comment never exceeds --max-length and always keeps its summary (property-based)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_gen.diff.formats import comment
from gitops_gen.diff.model import (
    AppChange,
    ChangeReport,
    ClusterChange,
    FieldChange,
    ObjectChange,
    Risk,
    Severity,
    Status,
)
from gitops_gen.manifest import ObjectRef
from gitops_gen.validate.findings import Finding
from gitops_gen.validate.findings import Severity as FindingSeverity

values = st.one_of(st.none(), st.text(max_size=300), st.integers(), st.dictionaries(st.text(max_size=8),
                                                                                    st.text(max_size=40), max_size=5))
changes = st.lists(st.builds(FieldChange, st.text(min_size=1, max_size=80), values, values), max_size=12)
refs = st.builds(ObjectRef, st.just("v1"), st.sampled_from(["Namespace", "ConfigMap", "Secret"]),
                 st.from_regex(r"[a-z]{0,12}", fullmatch=True), st.from_regex(r"[a-z][a-z0-9-]{0,40}", fullmatch=True))
objects = st.lists(st.builds(ObjectChange, st.sampled_from(list(Status)), refs, changes.map(tuple)), max_size=8)
names = st.from_regex(r"[a-z][a-z0-9-]{0,50}", fullmatch=True)
apps = st.lists(st.builds(AppChange, names, st.sampled_from(list(Status)), changes.map(tuple), objects.map(tuple)),
                min_size=1, max_size=8)
clusters = st.lists(st.builds(ClusterChange, st.from_regex(r"[a-z][a-z0-9-]{0,30}", fullmatch=True),
                              st.sampled_from(["dev", "prod"]), st.booleans(), apps.map(tuple)), max_size=12)
risks = st.lists(st.builds(Risk, st.sampled_from(["GD101", "GD103"]), st.sampled_from(list(Severity)),
                           st.text(max_size=20), st.text(max_size=40), st.one_of(st.none(), refs),
                           st.text(max_size=500)),
                 max_size=60)
findings = st.lists(st.builds(Finding, st.just("schema"), st.just(FindingSeverity.ERROR), refs, st.text(max_size=300)),
                    max_size=20)
reports = st.builds(ChangeReport, st.just("a" * 40), st.just("worktree"), clusters.map(tuple), risks.map(tuple),
                    findings.map(tuple), findings.map(tuple), st.lists(st.text(max_size=300), max_size=2).map(tuple))


@settings(max_examples=60, deadline=None)
@given(reports, st.integers(min_value=comment.MIN_MAX_LENGTH, max_value=70_000))
def test_the_comment_fits_and_keeps_its_summary(report: ChangeReport, limit: int) -> None:
    text = comment.render(report, limit)
    assert len(text) <= limit
    assert text.startswith(comment.MARKER + "\n## gitops-gen diff: ")
    if report.clusters:
        assert "| Applications |" in text and "| Objects |" in text and f"**Risks: {len(report.risks)}**" in text
    if "Left out to stay within" not in text:  # nothing cut: every cluster, risk and application is there
        assert all(c.name in text for c in report.clusters)
        assert text.count("\n| error |") + text.count("\n| warning |") >= len(report.risks)
    assert text.count("<details>") == text.count("</details>")


def test_past_the_limit_detail_goes_first_and_the_cut_is_said() -> None:
    ref = ObjectRef("v1", "ConfigMap", "ns", "settings")
    big = tuple(FieldChange(f"data.key{i}", "x" * 100, "y" * 100) for i in range(40))
    report = ChangeReport("b" * 40, "worktree", tuple(
        ClusterChange(f"prod-{i:02d}", "prod", True, (AppChange(f"prod-{i:02d}-app", Status.MODIFIED, (),
                                                                (ObjectChange(Status.MODIFIED, ref, big),)),))
        for i in range(30)), (Risk("GD101", Severity.ERROR, "prod-00", "prod-00-app", ref, "deletes it"),))
    text = comment.render(report, 20_000)
    assert len(text) <= 20_000
    assert all(f"| prod-{i:02d} |" in text for i in range(30))  # the summary table is whole
    assert "| error | GD101 | prod-00 |" in text
    assert "detail of" in text and "of 30 applications" in text
