"""The pull-request comment never exceeds --max-length and always keeps its summary (property-based)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.severity import Severity
from gitops_gen.base.severity import Severity as FindingSeverity
from gitops_gen.base.status import ChangeStatus
from gitops_gen.diff.formats import comment
from gitops_gen.diff.model import AppChange, ChangeReport, ClusterChange, FieldChange, ObjectChange, Risk
from gitops_gen.validate.findings import Finding

TRICKY = ("plain", "with | pipe", "back`tick", "<b>html</b>", "line\nbreak", "ünï©ødé", "x" * 300)


@st.composite
def reports(draw: st.DrawFn) -> ChangeReport:
    """Reports from a few sizes (few random choices, large outputs), with awkward strings in every field."""
    n_clusters, n_apps, n_objects = draw(st.integers(0, 40)), draw(st.integers(1, 8)), draw(st.integers(0, 6))
    n_changes, n_risks, n_findings = draw(st.integers(0, 10)), draw(st.integers(0, 80)), draw(st.integers(0, 20))
    text = draw(st.sampled_from(TRICKY))
    ref = ObjectRef("v1", draw(st.sampled_from(["Namespace", "ConfigMap", "Secret"])), "ns", "obj")
    changes = tuple(FieldChange(f"spec.{text}{i}", text * (i % 3), {"k": text}) for i in range(n_changes))
    objects = tuple(ObjectChange(list(ChangeStatus)[i % 3], ref._replace(name=f"o{i}"), changes)
                    for i in range(n_objects))
    clusters = tuple(ClusterChange(f"cluster-{c}", "prod", c % 2 == 0, tuple(
        AppChange(f"cluster-{c}-app-{a}", list(ChangeStatus)[a % 3], changes, objects) for a in range(n_apps)))
        for c in range(n_clusters))
    risks = tuple(Risk("GD101", list(Severity)[i % 2], f"cluster-{i}", f"app-{i}", ref, f"{text} {i}")
                  for i in range(n_risks))
    findings = tuple(Finding("schema", FindingSeverity.ERROR, ref, f"{text} {i}") for i in range(n_findings))
    warnings = tuple(f"warning {text}" for _ in range(draw(st.integers(0, 2))))
    return ChangeReport("a" * 40, "worktree", clusters, risks, findings, findings[: n_findings // 2], warnings)


@settings(max_examples=100, deadline=None)
@given(reports(), st.integers(min_value=comment.MIN_MAX_LENGTH, max_value=70_000))
def test_the_comment_fits_and_keeps_its_summary(report: ChangeReport, limit: int) -> None:
    text = comment.render(report, limit)
    assert len(text) <= limit
    assert text.startswith(comment.MARKER + "\n## gitops-gen diff: ")
    if report.clusters:
        assert "| Applications |" in text and "| Objects |" in text and f"**Risks: {len(report.risks)}**" in text
    if "Left out to stay within" not in text:  # nothing cut: every cluster, risk and application is there
        assert all(c.name in text for c in report.clusters)
        rows = text.count("\n| error |") + text.count("\n| warning |")
        alike = sum(int(n) - 1 for n in re.findall(r"\*\*(\d+) alike\*\*", text))  # one row per group of many
        assert rows + alike >= len(report.risks)
    assert text.count("<details>") == text.count("</details>")


def _clusters(count: int, risky: int = 1, warnings: tuple[str, ...] = ()) -> ChangeReport:
    """``count`` production clusters, each with one big modified object; the first ``risky`` with a risk."""
    ref = ObjectRef("v1", "ConfigMap", "ns", "settings")
    big = tuple(FieldChange(f"data.key{i}", "x" * 100, "y" * 100) for i in range(40))
    return ChangeReport("b" * 40, "worktree", tuple(
        ClusterChange(f"prod-{i:02d}", "prod", True, (AppChange(f"prod-{i:02d}-app", ChangeStatus.MODIFIED, (),
                                                                (ObjectChange(ChangeStatus.MODIFIED, ref, big),)),))
        for i in range(count)), tuple(Risk("GD101", Severity.ERROR, f"prod-{i:02d}", f"prod-{i:02d}-app", ref,
                                           "deletes it") for i in range(risky)), warnings=warnings)


def test_past_the_limit_detail_goes_first_and_the_cut_is_said() -> None:
    report = _clusters(30)
    text = comment.render(report, 20_000)
    assert len(text) <= 20_000
    assert all(f"| `prod-{i:02d}` |" in text for i in range(30))  # the summary table is whole
    assert "| error | `GD101` | `prod-00` |" in text
    assert "detail of" in text and "of 30 applications" in text


def test_the_summary_table_stays_whole_at_the_smallest_limit() -> None:
    report = _clusters(5, risky=5, warnings=("w" * 300,))
    text = comment.render(report, 1_000)
    assert len(text) <= 1_000
    assert all(f"| `prod-{i:02d}` |" in text for i in range(5)), text
