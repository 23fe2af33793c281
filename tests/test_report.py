"""`gitops-gen report` on globex (a repository that is not the example): every number checked against what
rendered/ holds (kustomize builds of each cluster's Applications), the change log against `diff`, the
manifest's digests, and the HTML page's self-containment."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
import shutil
import subprocess
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.base.quantity import parse_quantity
from gitops_gen.cli import run
from gitops_gen.diff.review import review
from gitops_gen.report import changelog, drift
from gitops_gen.report.run import build
from gitops_gen.tools import kustomize
from gitops_gen.yamlio.reader import load_plain
from tests.conftest import require_tool
from tests.diff.conftest import GLOBEX, commit_all, edit, git, new_repo

pytestmark = pytest.mark.tools


@pytest.fixture(scope="module")
def globex_rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report") / "globex"
    shutil.copytree(GLOBEX, root)
    assert run(["render", "--repo", str(root)]) == 0
    return root


def on_disk(root: Path) -> dict[str, list[dict[str, Any]]]:
    """cluster -> every object its Applications deploy, read back from rendered/ (kustomize for folders)."""
    require_tool(kustomize.command() is not None, "kustomize/kubectl not found on PATH")
    out: dict[str, list[dict[str, Any]]] = {}
    for folder in sorted((root / "rendered" / "clusters").iterdir()):
        objects = [doc for f in sorted(folder.glob("*.yaml")) for doc in load_plain(f.read_text())]
        for app in [o for o in objects if o["kind"] == "Application"]:
            path = app["spec"]["source"].get("path", "")
            if path.startswith("rendered/"):
                objects.extend(kustomize.build(root / path))
        out[folder.name] = objects
    return out


def test_the_access_matrix_is_what_rolebindings_and_appprojects_grant(globex_rendered: Path) -> None:
    report = build(globex_rendered, cache=False)
    expected = set()
    for cluster, objects in on_disk(globex_rendered).items():
        for o in objects:
            if o["kind"] == "RoleBinding":
                expected |= {(s["name"], o["roleRef"]["name"], cluster, o["metadata"]["namespace"])
                             for s in o.get("subjects") or () if s["kind"] == "Group"}
            elif o["kind"] == "AppProject":
                namespaces = {d["namespace"] for d in o["spec"]["destinations"]}
                expected |= {(g, r["name"], cluster, ns) for r in o["spec"].get("roles") or ()
                             for g in r.get("groups") or () for ns in namespaces}
    got = {(g.group, g.role if g.via == "RoleBinding" else g.role.rpartition(": ")[2], g.cluster, g.namespace)
           for g in report.access}
    assert expected and got == expected
    groups = {g for g, *_ in expected}
    assert len(groups) > 3  # group by group, every one of them


def test_quota_sums_match_the_resourcequotas(globex_rendered: Path) -> None:
    report = build(globex_rendered, cache=False)
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for cluster, objects in on_disk(globex_rendered).items():
        for o in objects:
            if o["kind"] == "ResourceQuota":
                for resource, value in o["spec"]["hard"].items():
                    sums[cluster][resource] += parse_quantity(value)
    assert set(report.capacity.per_cluster) == set(sums)
    for cluster, totals in report.capacity.per_cluster.items():
        assert {r: parse_quantity(v) for r, v in totals.items()} == dict(sums[cluster]), cluster
    tiers = report.capacity.per_tier
    assert sum(int(t["namespaces"]) for t in tiers.values()) == len(report.capacity.quotas)


def test_the_inventory_matches_what_each_cluster_renders(globex_rendered: Path) -> None:
    report = build(globex_rendered, cache=False)
    rendered = {}
    for folder in (globex_rendered / "rendered" / "clusters").iterdir():
        for f in folder.glob("application_*.yaml"):
            (app,) = load_plain(f.read_text())
            addon = app["metadata"]["labels"].get("gitops-gen.io/addon")
            if addon:
                rendered[addon, folder.name] = app["spec"]["source"]["targetRevision"]
    running = {(d.addon, d.cluster): d.version for d in report.inventory if d.enabled and d.version}
    assert running == {k: v for k, v in rendered.items() if k in running}
    assert {k for k, v in rendered.items() if not v.startswith(("release", "main"))} <= set(running) | {
        (d.addon, d.cluster) for d in report.inventory if d.kind == "manifests"}
    off = [d for d in report.inventory if not d.enabled]
    assert all((d.addon, d.cluster) not in rendered for d in off)


def test_cost_centres_and_unlabelled_namespaces(tmp_path: Path) -> None:
    root = tmp_path / "globex"
    shutil.copytree(GLOBEX, root)
    sandbox = root / "blueprints" / "tenants" / "sandbox.yaml"
    text = sandbox.read_text()
    sandbox.write_text("\n".join(line for line in text.splitlines() if "cost-center" not in line) + "\n")
    report = build(root, cache=False)
    assert any(ns.startswith("sandbox") or "sandbox" in ns for _, ns in report.capacity.unlabelled) \
        or "" in report.capacity.cost_centres
    labelled = {t for c, ts in report.capacity.cost_centres.items() if c for t in ts}
    assert "ledger" in labelled


def test_out_writes_every_format_and_a_manifest_that_verifies(globex_rendered: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pack"
    assert run(["report", "--repo", str(globex_rendered), "--out", str(out), "--no-cache"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    names = {f["path"] for f in manifest["files"]}
    assert {"report.html", "report.md", "report.json", "access.csv"} <= names
    for entry in manifest["files"]:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    doc = json.loads((out / "report.json").read_text())
    assert doc["version"] == 1 and doc["commit"] == manifest["commit"]
    rows = list(csv.DictReader(io.StringIO((out / "access.csv").read_text())))
    assert len(rows) == len(doc["access"])


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.refs += [f"{k}={v}" for k, v in attrs if k in ("src", "href", "srcset", "action", "xlink:href", "data")]


def test_the_html_page_references_nothing_outside_itself(globex_rendered: Path) -> None:
    from gitops_gen.report.formats import page

    page_text = page.render(build(globex_rendered, cache=False))
    parser = _Refs()
    parser.feed(page_text)
    assert parser.refs == []
    assert not parser.tags & {"script", "link", "img", "iframe", "object", "embed", "base"}
    assert "url(" not in page_text and "@import" not in page_text
    assert "<svg" in page_text and "Content-Security-Policy" in page_text


# Chromium's own services (updates, time, accounts) show in its net log too; blocked like everything else.
BROWSER_SERVICES = re.compile(r"^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gvt1\.com)(/|$)")


def test_the_html_page_renders_headless_without_a_request(globex_rendered: Path, tmp_path: Path) -> None:
    """Debian's chromium (installed by .ci/run) opens the page with every host unresolvable and its network
    log recorded: the page renders, and the log holds no request the page made beyond its own file."""
    browser = next((b for b in ("chromium", "chromium-browser") if shutil.which(b)), None)
    require_tool(browser is not None, "Debian's chromium is not installed (apt-get install chromium)")
    from gitops_gen.report.formats import page

    html_file = tmp_path / "report.html"
    html_file.write_text(page.render(build(globex_rendered, cache=False)))
    net_log = tmp_path / "net.json"
    done = subprocess.run([str(browser), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={tmp_path / 'profile'}", "--host-resolver-rules=MAP * ~NOTFOUND",
                           f"--log-net-log={net_log}", "--dump-dom", html_file.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and "Evidence pack" in done.stdout
    urls = set(re.findall(r'"url":"([^"]+)"', net_log.read_text(encoding="utf-8", errors="replace")))
    assert {u for u in urls if not u.startswith(("file:", "data:", "about:", "chrome"))
            and not BROWSER_SERVICES.match(u)} == set()


def test_markdown_and_html_escape_what_came_from_input(tmp_path: Path) -> None:
    from gitops_gen.base.escape import md
    from gitops_gen.report.formats import markdown, page
    from gitops_gen.report.model import Capacity, Commit, Posture, Report

    evil = "<script>alert(1)</script> | **x** [l](http://e.example)"
    report = Report("abc", "now", (), (), Capacity((), {}, {}, {}, ()), Posture({}, (), "today"),
                    (Commit("abc", evil, "2026-01-01", evil, "", ()),))
    html_text = page.render(report)
    assert "<script>" not in html_text and "&lt;script&gt;" in html_text
    md_text = markdown.render(report)
    assert md(evil) in md_text and "<script>" not in md_text.replace(md(evil), "")


# -- the change log ---------------------------------------------------------------------------------------------

def history(tmp_path: Path) -> tuple[git.Repo, dict[str, str]]:
    repo = new_repo(tmp_path / "globex")
    root = Path(repo.working_dir)
    shas = {"initial": repo.head.commit.hexsha}
    edit(root / "blueprints" / "tenants" / "ledger.yaml", "tier: s", "tier: m")
    shas["tenant"] = commit_all(repo, "ledger grows to tier m (#12)")
    edit(root / "environments" / "production.yaml", "cert-manager: {chart: {version: v1.15.4}}",
         "cert-manager: {chart: {version: v1.16.2}}")
    shas["cluster"] = commit_all(repo, "Merge pull request #34 from globex/bump\n\nbump cert-manager on one cluster")
    (root / "blueprints" / "tenants" / "ledger.yaml").write_text(
        "# owned by the ledger team\n" + (root / "blueprints" / "tenants" / "ledger.yaml").read_text())
    shas["comment"] = commit_all(repo, "a comment only\n\nSee merge request globex/fleet!7")
    edit(root / "environments" / "staging.yaml", "            values: {hubble: {relay: {enabled: false}}}",
         "            values: {hubble: {relay: {enabled: false}}}\n          kyverno: {enabled: false}")
    shas["switch"] = commit_all(repo, "kyverno off on staging-use2")
    edit(root / "environments" / "staging.yaml", "kyverno: {values: {admissionController: {replicas: 3}}}",
         "kyverno: {values: {admissionController: {replicas: 4}}}")
    shas["environment"] = commit_all(repo, "staging kyverno replicas")
    (root / "README.md").write_text("docs\n")
    shas["docs"] = commit_all(repo, "docs only")
    return repo, shas


def test_the_change_log_lists_blueprint_commits_with_the_clusters_diff_finds(tmp_path: Path) -> None:
    repo, shas = history(tmp_path)
    root = Path(repo.working_dir)
    log = changelog.change_log(root, "1970-01-01", tmp_path / "cache")
    by_sha = {c.sha: c for c in log}
    assert shas["docs"] not in by_sha and shas["initial"] in by_sha
    for name in ("tenant", "cluster", "comment", "switch", "environment"):
        commit = by_sha[shas[name]]
        diffed = review(root, f"{shas[name]}^", shas[name])
        assert list(commit.clusters) == sorted(c.name for c in diffed.clusters), name
    assert by_sha[shas["comment"]].clusters == ()
    assert len(by_sha[shas["cluster"]].clusters) == 1
    assert by_sha[shas["tenant"]].reference == "#12" and by_sha[shas["cluster"]].reference == "#34"
    assert by_sha[shas["comment"]].reference == "!7"
    assert by_sha[shas["tenant"]].author == "Platform Bot <bot@example.com>"
    assert log[0].sha == shas["environment"]  # newest first
    assert by_sha[shas["switch"]].clusters == ("staging-use2",)
    assert by_sha[shas["environment"]].clusters == ("staging-use1",)  # use2 runs no kyverno any more


def test_a_warm_cache_gives_the_same_log_and_a_damaged_entry_is_recomputed(tmp_path: Path) -> None:
    repo, _ = history(tmp_path)
    root, cache = Path(repo.working_dir), tmp_path / "cache"
    cold = changelog.change_log(root, "1970-01-01", cache)
    entries = sorted(cache.glob("*.json"))
    assert len(entries) == len(cold)
    entries[0].write_text("{not json")
    assert changelog.change_log(root, "1970-01-01", cache) == cold
    assert changelog.change_log(root, "1970-01-01", None) == cold


def test_reference_parsing() -> None:
    assert changelog.reference("Fix quota (#881)") == "#881"
    assert changelog.reference("Merge pull request #5 from a/b") == "#5"
    assert changelog.reference("x\n\nSee merge request group/proj!44") == "!44"
    assert changelog.reference("no reference here #notanumber") == ""


# -- drift history ------------------------------------------------------------------------------------------------

def drift_report(when: str, cluster: str, drifted: list[str]) -> dict[str, Any]:
    return {"version": 1, "generated_at": when, "clusters": [{"name": cluster}],
            "objects": [{"cluster": cluster, "status": "modified",
                         "object": {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "a", "name": n}}
                        for n in drifted]}


def test_drift_history_counts_objects_and_time_drifted() -> None:
    found = drift.history([drift_report("2026-12-01T00:00:00+00:00", "c1", ["x", "y"]),
                           drift_report("2026-12-01T06:00:00+00:00", "c1", ["x"]),
                           drift_report("2026-12-01T12:00:00Z", "c1", []),
                           drift_report("not a time", "c1", ["z"])])
    (c1,) = found
    assert [p.drifted for p in c1.points] == [2, 1, 0]
    assert c1.objects == 2 and c1.drifted_hours == 2 * 6 + 1 * 6


def test_the_command_reads_a_folder_of_drift_reports(globex_rendered: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "drift"
    folder.mkdir()
    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    for i in range(3):
        (folder / f"{i}.json").write_text(json.dumps(drift_report((now + datetime.timedelta(hours=i)).isoformat(),
                                                                  "prod-apse1", ["a"] * (i % 2))))
    capsys.readouterr()
    assert run(["report", "--repo", str(globex_rendered), "--drift-reports", str(folder), "-o", "json",
                "--no-cache"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [p["drifted"] for p in doc["drift"][0]["points"]] == [0, 1, 0]


def test_a_warm_report_reads_its_sections_and_an_edit_recomputes_them(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITOPS_GEN_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "globex"
    shutil.copytree(GLOBEX, root)
    cold = build(root)
    assert list((tmp_path / "cache" / "report" / "sections").glob("*.json"))
    warm = build(root)
    assert (warm.inventory, warm.access, warm.capacity, warm.posture) == \
        (cold.inventory, cold.access, cold.capacity, cold.posture)
    edit(root / "blueprints" / "tenants" / "ledger.yaml", "tier: s", "tier: m")
    edited = build(root)
    assert edited.capacity != cold.capacity
    assert edited.capacity == build(root, cache=False).capacity


def test_skew_is_what_the_promotion_rule_flags(globex_rendered: Path) -> None:
    """An add-on its promotesFrom environment does not run at all is no skew (GG112 says nothing either)."""
    report = build(globex_rendered, cache=False)
    runs = {(d.environment, d.addon) for d in report.inventory if d.enabled}
    from gitops_gen.blueprint.load import load_repo

    repo = load_repo(globex_rendered)
    for d in report.inventory:
        if d.skew:
            upstream = repo.environments[d.environment].promotes_from
            assert upstream and (upstream, d.addon) in runs
            assert not any(u.version == d.version for u in report.inventory
                           if u.environment == upstream and u.addon == d.addon and u.enabled)
    assert any(d.skew for d in report.inventory)
