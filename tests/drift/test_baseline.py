"""``--baseline`` and ``--only-drifted``: what changed since the previous report, without the noise."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from drift_support import FIXTURES, write_dump
from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_gen.cli import run

DESIRED = str(FIXTURES / "desired.yaml")
OWNED = {"app.kubernetes.io/managed-by": "gitops-gen"}


def drift(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(["drift", "--desired", DESIRED, *args])
    out, err = capsys.readouterr()
    return code, out, err


def _items(dump: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(i["kind"], i["metadata"]["name"]): i for i in dump["items"]}


def _leftover(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "shop", "labels": OWNED}, "data": {"a": "b"}}


def _at(monkeypatch: pytest.MonkeyPatch, stamp: int) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(stamp))


DAY1, DAY2, DAY3 = 1_796_000_000, 1_796_086_400, 1_796_172_800  # 2026-11-30/12-01/12-02 UTC, 00:53:20


def test_new_known_and_resolved_across_three_reports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, live_list: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    items = _items(live_list)
    quota = items["ResourceQuota", "tenant-quota"]
    quota["spec"]["hard"]["requests.cpu"] = "20"
    live_list["items"].append(_leftover("old-flags"))
    dump = write_dump(tmp_path / "live.yaml", live_list)

    _at(monkeypatch, DAY1)
    code, out, _ = drift(capsys, "--live-from", str(dump), "-o", "json")
    day1 = tmp_path / "day1.json"
    day1.write_text(out)
    assert code == 1
    first = json.loads(out)
    assert first["generated_at"] == "2026-11-30T00:53:20Z"
    assert {o["first_seen"] for o in first["objects"] if o["status"] != "in_sync"} == {"2026-11-30T00:53:20Z"}

    # Day 2: the quota is fixed, a second leftover appears, old-flags is still there.
    quota["spec"]["hard"]["requests.cpu"] = "16"
    live_list["items"].append(_leftover("older-flags"))
    write_dump(dump, live_list)
    _at(monkeypatch, DAY2)
    code, out, _ = drift(capsys, "--live-from", str(dump), "--baseline", str(day1), "-o", "json")
    day2 = tmp_path / "day2.json"
    day2.write_text(out)
    data = json.loads(out)
    marks = {o["object"]["name"]: (o["baseline"], o["first_seen"]) for o in data["objects"]
             if o["status"] != "in_sync"}
    assert marks == {"old-flags": ("known", "2026-11-30T00:53:20Z"),
                     "older-flags": ("new", "2026-12-01T00:53:20Z")}
    assert [(r["object"]["name"], r["was"], r["first_seen"]) for r in data["resolved"]] == [
        ("tenant-quota", "modified", "2026-11-30T00:53:20Z")]
    assert data["baseline"] == "2026-11-30T00:53:20Z"
    assert (data["summary"]["new"], data["summary"]["resolved"]) == (1, 1)

    # Day 3 against day 2: first_seen is carried forward, not reset to day 2.
    _at(monkeypatch, DAY3)
    code, out, _ = drift(capsys, "--live-from", str(dump), "--baseline", str(day2), "-o", "json")
    marks = {o["object"]["name"]: (o["baseline"], o["first_seen"]) for o in json.loads(out)["objects"]
             if o["status"] != "in_sync"}
    assert marks == {"old-flags": ("known", "2026-11-30T00:53:20Z"),
                     "older-flags": ("known", "2026-12-01T00:53:20Z")}

    # Markdown leads with what is new; text says it in its first line.
    _at(monkeypatch, DAY2)
    _, out, _ = drift(capsys, "--live-from", str(dump), "--baseline", str(day1), "-o", "markdown")
    lines = out.splitlines()
    assert lines[4] == "Since the report of `2026-11-30T00:53:20Z`: **1 new**, 1 known, 1 resolved."
    assert lines[6] == "### New since `2026-11-30T00:53:20Z` (1)"
    assert lines[10].startswith("| `live` | extra | `ConfigMap` `shop/older-flags` | `-` | ``no Application owns it:")
    assert out.index("### New since") < out.index("### Resolved since") < out.index("| Cluster | In sync")
    _, out, _ = drift(capsys, "--live-from", str(dump), "--baseline", str(day1))
    assert out.splitlines()[:2] == ["since 2026-11-30T00:53:20Z: 1 new, 1 known, 1 resolved",
                                    "  resolved: live ResourceQuota shop/tenant-quota (v1) "
                                    "(first seen 2026-11-30T00:53:20Z)"]


def test_only_drifted_lists_nothing_in_sync(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, live_list: dict[str, Any]
) -> None:
    live_list["items"].append(_leftover("old-flags"))
    dump = write_dump(tmp_path / "live.yaml", live_list)
    code, out, _ = drift(capsys, "--live-from", str(dump), "--only-drifted", "-o", "json")
    data = json.loads(out)
    assert code == 1
    assert [o["object"]["name"] for o in data["objects"]] == ["old-flags"]
    assert data["applications"] == []
    assert data["summary"]["in_sync"] == 7  # still counted
    _, out, _ = drift(capsys, "--live-from", str(dump), "--only-drifted", "-o", "junit")
    assert out.count("<testcase ") == 1


def test_nothing_drifted_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = drift(capsys, "--live-from", str(FIXTURES / "live.yaml"), "--only-drifted")
    assert code == 0
    assert out == "no drift: 1 cluster(s), 7 object(s) in sync, 1 application(s) synced and healthy\n"


@pytest.mark.parametrize(("content", "message"), [
    ('{"summary": {}, "objects": [\n  {"x": 1}', "2:11: --baseline is not a JSON drift report (gitops-gen drift "
                                                  "-o json): Expecting ',' delimiter"),
    ("## gitops-gen drift: drift found\n", "1:1: --baseline is not a JSON drift report (gitops-gen drift -o json): "
                                           "Expecting value"),
    ('{"summary": {"documents": 1}, "findings": []}', "1:1: --baseline is not a gitops-gen drift report: expected "
     'the JSON of `gitops-gen drift -o json`, with "version" and "objects" (it looks like a `gitops-gen validate` '
     "report)"),
    ('{"version": 1, "objects": [\n  {"status": "extra", "object": {"kind": "ConfigMap"}}\n]}',
     '2: --baseline objects[0] is not a drift report object: it needs "cluster", "status" and "object" with '
     "apiVersion, kind, namespace and name"),
    ('{"version": 7, "objects": []}', "1:1: --baseline has report version 7; this gitops-gen reads version 1"),
])
def test_a_baseline_that_is_not_a_drift_report_is_exit_2_located(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "previous.json"
    bad.write_text(content)
    code, out, err = drift(capsys, "--live-from", str(FIXTURES / "live.yaml"), "--baseline", str(bad))
    assert (code, out) == (2, "")
    assert err == f"{bad}:{message}\n"


NAMES = ("a", "b", "c", "d", "e")


@settings(max_examples=40, deadline=None)
@given(days=st.lists(st.sets(st.sampled_from(NAMES)), min_size=1, max_size=6))
def test_reports_chained_day_after_day_keep_the_age_of_each_drift(days: list[set[str]], tmp_path_factory: Any) -> None:
    """Whatever drifts on which day: known iff drifted the day before; first_seen is the first day of the
    current unbroken run; resolved is exactly what drifted yesterday and not today."""
    import datetime

    from gitops_gen.base.manifest import ObjectRef
    from gitops_gen.base.status import DriftStatus
    from gitops_gen.drift import baseline as baseline_mod
    from gitops_gen.drift.formats import json_
    from gitops_gen.drift.model import ClusterReport, DriftItem, DriftReport

    folder = tmp_path_factory.mktemp("chain")
    previous = None
    since: dict[str, str] = {}
    for day, drifted_today in enumerate(days):
        stamp = (datetime.datetime(2026, 1, 1) + datetime.timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")
        items = tuple(DriftItem(DriftStatus.EXTRA if n in drifted_today else DriftStatus.IN_SYNC,
                                ObjectRef("v1", "ConfigMap", "ns", n)) for n in NAMES)
        report = DriftReport((ClusterReport("c", "c", items),), generated_at=stamp)
        loaded = baseline_mod.load(previous) if previous else None
        report = baseline_mod.apply(report, loaded)
        yesterday = days[day - 1] if day else set()
        since = {n: since.get(n, stamp) if n in yesterday else stamp for n in drifted_today}
        got = {i.ref.name: (i.baseline, i.first_seen) for i in report.clusters[0].items
               if i.status is DriftStatus.EXTRA}
        expected_mark = {n: ("" if not day else "known" if n in yesterday else "new") for n in drifted_today}
        assert got == {n: (expected_mark[n], since[n]) for n in drifted_today}
        assert {r.ref.name for r in report.resolved} == (yesterday - drifted_today if day else set())
        previous = folder / f"day{day}.json"
        previous.write_text(json_.render(report))


GOOD = '{"version": 1, "generated_at": "2026-11-30T00:53:20Z", "objects": []}'


@pytest.mark.parametrize("content", [
    GOOD.replace('"version": 1', '"version": true'),
    GOOD.replace('"objects": []', '"objects": [' + "9" * 5000 + "]"),
    GOOD.replace('"objects": []', '"objects": ' + "[" * 100_000 + "]" * 100_000),
    GOOD.replace('"2026-11-30T00:53:20Z"', '"\\ud800"'),
    GOOD.encode("utf-16").decode("latin-1"),
], ids=["version-true", "5000-digits", "100000-deep", "lone-surrogate", "utf-16"])
def test_a_hostile_baseline_is_exit_2_located(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                              content: str) -> None:
    bad = tmp_path / "previous.json"
    bad.write_bytes(content.encode("latin-1") if content.startswith("\xff\xfe") else content.encode())
    code, out, err = drift(capsys, "--live-from", str(FIXTURES / "live.yaml"), "--baseline", str(bad))
    assert (code, out) == (2, ""), err
    assert err.startswith(f"{bad}:") and err.count("\n") == 1, err


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_baseline_that_is_no_regular_file_is_refused_without_reading(capsys: pytest.CaptureFixture[str],
                                                                       tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "previous.json"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    code, out, err = drift(capsys, "--live-from", str(FIXTURES / "live.yaml"), "--baseline", str(path))
    assert (code, out) == (2, "")
    assert "not a regular file" in err
