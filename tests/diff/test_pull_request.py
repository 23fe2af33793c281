"""A pull request on a repository that is not this project's example, reviewed with `gitops-gen diff`."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.cli import run
from tests.diff.conftest import GLOBEX, commit_all, edit, git

pytestmark = pytest.mark.tools


def diff_json(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "-o", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def the_pull_request(root: Path) -> None:
    """A cluster-level chart bump, a tier change in one environment, a tenant dropped from another."""
    env = root / "environments"
    edit(env / "production.yaml", "cert-manager: {chart: {version: v1.15.4}}",
         "cert-manager: {chart: {version: v1.16.2}}")
    edit(env / "staging.yaml", "  overrides:\n    addons:\n      kyverno",
         "  overrides:\n    tenants:\n      ledger: {tier: m}\n    addons:\n      kyverno")
    edit(env / "qa.yaml", "tenants: [storefront, ledger, identity]", "tenants: [storefront, identity]")


def shape(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """cluster -> application -> (status, changed paths, {object: (status, changed paths)})."""
    return {c["name"]: {a["name"]: (a["status"], sorted(ch["path"] for ch in a["changes"]) if a["status"] == "modified"
                                    else len(a["changes"]) > 0,
                                    {f'{o["object"]["kind"]} {o["object"]["namespace"]}/{o["object"]["name"]}':
                                     (o["status"], sorted(ch["path"] for ch in o["changes"])) for o in a["objects"]})
                        for a in c["applications"]} for c in report["clusters"]}


QUOTA_PATHS = ['metadata.annotations["gitops-gen.io/tier"]', 'spec.hard["limits.cpu"]', 'spec.hard["limits.memory"]',
               "spec.hard.pods", 'spec.hard["requests.cpu"]', 'spec.hard["requests.memory"]',
               'spec.hard["requests.storage"]']
LEDGER_OBJECTS = {"LimitRange ledger/tenant-limits", "Namespace /ledger", "NetworkPolicy ledger/allow-from-namespaces",
                  "NetworkPolicy ledger/default-deny-ingress", "ResourceQuota ledger/tenant-quota",
                  "RoleBinding ledger/tenant-owners"}


def test_a_pull_request_shows_exactly_the_affected_clusters_applications_objects_and_paths(
        globex: git.Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(globex.working_dir)
    the_pull_request(root)
    report = diff_json(root, capsys)  # base: merge-base with main; head: the uncommitted work tree
    assert report["version"] == 1 and report["head"] == "worktree"
    assert report["base"] == globex.heads.main.commit.hexsha
    got = shape(report)
    assert sorted(got) == ["prod-apse1", "qa-euw1", "qa-use1", "staging-use1", "staging-use2"]
    assert got["prod-apse1"] == {"prod-apse1-cert-manager": ("modified", ["spec.source.targetRevision"], {})}
    change = report["clusters"][0]["applications"][0]["changes"][0]
    assert (change["base"], change["head"]) == ("v1.15.4", "v1.16.2")
    for cluster in ("staging-use1", "staging-use2"):
        assert got[cluster] == {f"{cluster}-ledger-namespaces": (
            "modified", [], {"ResourceQuota ledger/tenant-quota": ("modified", sorted(QUOTA_PATHS))})}
    for cluster in ("qa-use1", "qa-euw1"):
        apps = got[cluster]
        assert sorted(apps) == [f"{cluster}-ledger-namespaces", f"{cluster}-ledger-service", f"root-{cluster}"]
        assert apps[f"{cluster}-ledger-service"] == ("removed", True, {})
        status, _, objects = apps[f"{cluster}-ledger-namespaces"]
        assert status == "removed" and objects == {o: ("removed", []) for o in LEDGER_OBJECTS}
        assert apps[f"root-{cluster}"] == ("modified", [], {f"AppProject gitops/{cluster}-ledger": ("removed", [])})
    summary = report["summary"]
    assert summary["clusters_changed"] == 5
    assert summary["applications"] == {"added": 0, "removed": 4, "modified": 5}
    assert summary["objects"] == {"added": 0, "removed": 14, "modified": 2}
    rules = sorted((r["rule"], r["cluster"], r["application"]) for r in report["risks"])
    assert rules == sorted([(rule, c, f"{c}-ledger-{app}") for c in ("qa-euw1", "qa-use1")
                            for rule, app in (("GD103", "namespaces"), ("GD103", "service"))])
    assert all(r["severity"] == "warning" for r in report["risks"])  # qa is not production


def test_a_production_removal_is_an_error_naming_each_namespace(globex: git.Repo,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(globex.working_dir)
    the_pull_request(root)
    assert run(["render", "--repo", str(root)]) == 0
    first = commit_all(globex, "cert-manager on APAC, ledger tier in staging, ledger out of qa")
    prod = root / "environments" / "production.yaml"
    edit(prod, "tenants: [storefront, ledger, data-platform, identity]",
         "tenants: [storefront, data-platform, identity]")
    edit(prod, "      ledger: {tier: m}\n", "")
    assert run(["render", "--repo", str(root)]) == 0
    second = commit_all(globex, "ledger leaves production")
    report = diff_json(root, capsys, "--base", first, "--head", second)
    assert (report["base"], report["head"]) == (first, second)
    assert sorted(c["name"] for c in report["clusters"]) == ["prod-apse1", "prod-euw1", "prod-use1"]
    errors = sorted((r["rule"], r["cluster"], r["object"]["kind"], r["object"]["name"])
                    for r in report["risks"] if r["severity"] == "error")
    assert errors == sorted([(rule, c, kind, name) for c in ("prod-apse1", "prod-euw1", "prod-use1")
                             for rule, kind, name in (("GD101", "Namespace", "ledger"),
                                                      ("GD103", "Application", f"{c}-ledger-service"))])
    namespace_risk = next(r for r in report["risks"] if r["rule"] == "GD101")
    assert namespace_risk["application"].endswith("-ledger-namespaces")
    assert "production" in namespace_risk["message"] and report["warnings"] == []
    # The whole pull request from main: both commits, the committed head (HEAD) as well as the work tree.
    assert run(["diff", "--repo", str(root), "--head", "HEAD", "--exit-code", "-o", "json"]) == 1


def test_the_checkout_index_and_head_are_untouched(globex: git.Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(globex.working_dir)
    the_pull_request(root)
    (root / "untracked-notes.txt").write_text("draft\n")
    globex.git.add("environments/qa.yaml")  # a partly staged change
    status = globex.git.status("--porcelain", "--untracked-files=all")
    index, head_ref = (root / ".git" / "index").read_bytes(), (root / ".git" / "HEAD").read_bytes()
    head_sha = globex.head.commit.hexsha
    for args in ([], ["--base", "main", "--head", "HEAD"], ["-o", "html"], ["--base", "no-such-rev"]):
        run(["diff", "--repo", str(root), *args])
    assert (root / ".git" / "index").read_bytes() == index
    assert (root / ".git" / "HEAD").read_bytes() == head_ref and globex.head.commit.hexsha == head_sha
    assert globex.git.status("--porcelain", "--untracked-files=all") == status
    assert globex.git.stash("list") == ""


def test_exit_code_says_whether_anything_changed(globex: git.Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(globex.working_dir)
    assert run(["diff", "--repo", str(root), "--exit-code"]) == 0
    assert "no cluster is affected" in capsys.readouterr().out
    the_pull_request(root)
    assert run(["diff", "--repo", str(root), "--exit-code"]) == 1
    assert run(["diff", "--repo", str(root)]) == 0  # compared: without --exit-code a change is no failure
    assert run(["diff", "--repo", str(root), "--exit-code", "--env", "dev"]) == 0  # dev is not affected
    assert run(["diff", "--repo", str(root), "--exit-code", "--cluster", "prod-apse1"]) == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--base", "no-such-rev"], "unknown revision 'no-such-rev'"),
    (["--head", "feature/nope"], "unknown revision 'feature/nope'"),
    (["--env", "nowhere"], "--env nowhere: no such environment"),
    (["--cluster", "nowhere"], "--cluster nowhere: no such cluster"),
    (["--max-length", "10"], "--max-length 10"),
    (["--report", "out.pdf"], "unknown suffix"),
])
def test_bad_input_is_one_line_and_exit_2(globex: git.Repo, capsys: pytest.CaptureFixture[str],
                                          args: list[str], message: str) -> None:
    capsys.readouterr()
    assert run(["diff", "--repo", globex.working_dir, *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_broken_base_names_the_revision_and_file(globex: git.Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(globex.working_dir)
    edit(root / "blueprints" / "tenants" / "ledger.yaml", "tier: s", "tier: huge")
    broken = commit_all(globex, "a typo")
    edit(root / "blueprints" / "tenants" / "ledger.yaml", "tier: huge", "tier: s")
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "--base", broken]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{broken[:12]}:blueprints/tenants/ledger.yaml:") and "huge" in err


def test_not_a_git_repository_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(GLOBEX, tmp_path / "plain")
    assert run(["diff", "--repo", str(tmp_path / "plain")]) == 2
    assert "not inside a Git repository" in capsys.readouterr().err


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.external += [f"{tag} {k}={v}" for k, v in attrs if k in ("src", "href", "srcset", "action", "data")]


def test_markdown_fits_and_html_stands_alone(globex: git.Repo, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(globex.working_dir)
    the_pull_request(root)
    md, page = tmp_path / "diff.md", tmp_path / "diff.html"
    assert run(["diff", "--repo", str(root), "--max-length", "2500", "--report", str(md), "--report", str(page)]) == 0
    text = md.read_text()
    assert len(text) <= 2500
    assert "| Applications | 0 | 4 | 5 |" in text and "| `staging-use2` |" in text  # the summary survived
    assert "### Risks (4)" in text and "Left out to stay within 2,500 characters" in text
    full = tmp_path / "full.md"
    assert run(["diff", "--repo", str(root), "--report", str(full)]) == 0
    assert "Left out" not in full.read_text() and "spec.hard.pods" in full.read_text()
    html = page.read_text()
    parser = _Assets()
    parser.feed(html)
    assert parser.external == [] and not parser.tags & {"script", "link", "img", "iframe", "object"}
    assert "<style>" in html and html.count("<details>") == 5 and "prod-apse1-cert-manager" in html


def test_validation_findings_the_change_introduces_and_resolves(globex: git.Repo,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(globex.working_dir)
    base = globex.head.commit.hexsha
    edit(root / "blueprints" / "tenants" / "storefront.yaml", "labels: {cost-center: cc-1001, owner-team: storefront}",
         "labels: {cost-center: cc-1001}")  # a policy rule over the namespace (GG107)
    edit(root / "blueprints" / "addons" / "networking.yaml", '          data:\n            tls-min-version: "1.2"',
         '          immutable: "yes"\n          data:\n            tls-min-version: "1.2"')  # a schema error
    assert run(["render", "--repo", str(root)]) == 0
    broken = commit_all(globex, "two mistakes")
    found = {(f["rule"], f["object"]["kind"], f["object"]["name"], f["path"])
             for f in diff_json(root, capsys, "--base", base, "--head", broken)["findings"]["introduced"]}
    assert found == {("schema", "ConfigMap", "gateway-defaults", "immutable"),
                     *{("GG107", "Namespace", f"storefront-{n}", "metadata.labels") for n in ("api", "jobs", "web")}}
    report = diff_json(root, capsys, "--base", broken, "--head", base)
    assert report["findings"]["introduced"] == [] and len(report["findings"]["resolved"]) == 4
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "--base", base, "--head", broken, "-o", "markdown"]) == 0
    assert "### Validation findings introduced (4)" in capsys.readouterr().out


def test_a_shared_tenant_base_change_shows_under_every_cluster_running_the_tenant(
        globex: git.Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(globex.working_dir)
    edit(root / "blueprints" / "tenants" / "ledger.yaml", "owners: [ledger-admins]",
         "owners: [ledger-admins, ledger-sre]")
    report = diff_json(root, capsys)
    running = ["dev-use1", "prod-apse1", "prod-euw1", "prod-use1", "qa-euw1", "qa-use1", "staging-use1", "staging-use2"]
    assert [c["name"] for c in report["clusters"]] == running
    for cluster in report["clusters"]:
        objects = {(o["object"]["kind"], o["object"]["name"]): [c["path"] for c in o["changes"]]
                   for a in cluster["applications"] for o in a["objects"]}
        assert objects[("RoleBinding", "tenant-owners")] == ["subjects[name=ledger-sre]"]
        assert ("AppProject", f"{cluster['name']}-ledger") in objects  # its owners role lists the groups
    assert [w.split(":")[0] for w in report["warnings"]] == ["the work tree"]  # rendered/ not updated yet


def test_a_tenant_rename_is_a_delete_and_a_create(globex: git.Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(globex.working_dir)
    tenants = root / "blueprints" / "tenants"
    (tenants / "ledger.yaml").rename(tenants / "finance-ledger.yaml")
    edit(tenants / "finance-ledger.yaml", "metadata: {name: ledger}", "metadata: {name: finance-ledger}")
    edit(tenants / "finance-ledger.yaml", "  tier: s\n", "  tier: s\n  namespaces: [ledger]\n")
    for env in (root / "environments").glob("*.yaml"):
        text = env.read_text().replace(" ledger,", " finance-ledger,")
        env.write_text(text.replace("      ledger: {", "      finance-ledger: {"))
    report = diff_json(root, capsys, "--env", "production")
    renamed = sorted((r["cluster"], r["message"].split(":")[0]) for r in report["risks"] if r["rule"] == "GD104")
    assert renamed == [(c, f"renamed to {c}-finance-ledger-namespaces")
                       for c in ("prod-apse1", "prod-euw1", "prod-use1")]
    assert not [r for r in report["risks"] if r["rule"] in ("GD101", "GD103")]  # the namespace itself stays
    assert report["summary"]["applications"] == {"added": 3, "removed": 3, "modified": 6}


def test_each_changed_field_names_the_blueprint_line_behind_it(globex: git.Repo,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(globex.working_dir)
    the_pull_request(root)
    report = diff_json(root, capsys)
    clusters = {c["name"]: c for c in report["clusters"]}
    (bump,) = clusters["prod-apse1"]["applications"][0]["changes"]
    line = next(i for i, text in enumerate((root / "environments" / "production.yaml").read_text().splitlines(), 1)
                if "v1.16.2" in text)
    assert bump["source"].startswith(f"environments/production.yaml:{line}:")  # the work tree: no revision prefix
    quota = clusters["staging-use1"]["applications"][0]["objects"][0]
    sources = {c["path"]: c["source"] for c in quota["changes"]}
    tier_line = next(i for i, text in enumerate((root / "environments" / "staging.yaml").read_text().splitlines(), 1)
                     if "ledger: {tier: m}" in text)
    assert sources['metadata.annotations["gitops-gen.io/tier"]'].startswith(f"environments/staging.yaml:{tier_line}:")
    assert sources['spec.hard["limits.cpu"]'].startswith("gitops.yaml:")  # the value comes from tier m itself
    removed = next(a for a in clusters["qa-use1"]["applications"] if a["name"] == "qa-use1-ledger-service")
    base = report["base"][:12]
    assert any(c["source"].startswith(f"{base}:blueprints/") for c in removed["changes"])  # at base, as it was
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "-o", "markdown"]) == 0
    assert f"`environments/production.yaml:{line}:" in capsys.readouterr().out
