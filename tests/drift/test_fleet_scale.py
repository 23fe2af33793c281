"""Fleet size: reading a dump and matching objects do work proportional to the objects, not their square.

Timings live in ``make bench`` (drift_fleet); these tests pin the cause of the quadratic dump reading
found in issue 10 (newlines counted from the top of the file for every document) by counting the
characters scanned, and check that the faster line numbers are still the right ones.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_gen.base.manifest import Manifest
from gitops_gen.base.status import DriftStatus
from gitops_gen.drift import live_dump
from gitops_gen.drift.cluster import LiveSnapshot, diff_cluster
from gitops_gen.drift.config import DriftConfig


class CountingText(str):
    """A str that adds up how many characters ``count`` scanned."""

    scanned = 0

    def count(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        lo, hi = start or 0, len(self) if end is None else end
        CountingText.scanned += max(0, hi - lo)
        return str.count(self, sub, start, end)


def _dump(n: int) -> str:
    return "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n" for i in range(n))


def test_line_numbers_scan_the_text_once(monkeypatch: pytest.MonkeyPatch) -> None:
    text = CountingText(_dump(2_000))  # lines now come from the parser's events: no scan of the text at all
    CountingText.scanned = 0
    docs = list(live_dump._documents(text, "dump.yaml"))
    assert len(docs) == 2_000
    assert CountingText.scanned <= len(text)  # was ~n²/2 characters: 2,000 documents scanned 100 MB


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=12))
def test_each_document_starts_where_its_content_starts(blank_lines: list[int]) -> None:
    parts = [f"---\n{chr(10) * blanks}apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{i}}}\n"
             for i, blanks in enumerate(blank_lines)]
    text = "".join(parts)
    lines = [line for _, line in live_dump._documents(text, "dump.yaml")]
    assert lines == [n + 1 for n, line in enumerate(text.splitlines()) if line.startswith("apiVersion")]


def test_many_leftovers_and_namespaceless_manifests_match() -> None:
    """Extras and loose (namespace-less) matches are looked up, so thousands of each stay cheap."""
    owned = {"app.kubernetes.io/managed-by": "gitops-gen"}
    desired = [Manifest({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"cm-{i}"}})
               for i in range(3_000)]
    live = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"cm-{i}", "namespace": "app"}}
            for i in range(3_000)]
    live += [{"apiVersion": "v1", "kind": "ConfigMap",
              "metadata": {"name": f"old-{i}", "namespace": "app", "labels": owned}} for i in range(3_000)]
    report = diff_cluster("c", "c", desired, LiveSnapshot(tuple(live)), DriftConfig())
    assert report.summary[DriftStatus.IN_SYNC.value] == 3_000
    assert report.summary[DriftStatus.EXTRA.value] == 3_000
