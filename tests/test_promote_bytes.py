"""promote writes back every byte it did not need to change: line endings, final newline, layouts ruamel
would rewrite, mode, symlinks; it refuses what it cannot do that way, and a file saved meanwhile."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from gitops_gen.base.errors import InputError
from gitops_gen.promote import promote
from tests.conftest import copy_example
from tests.validate.conftest import run_cli

BUMP = ("ingress-nginx: {values: {controller: {replicaCount: 1}}}",
        "ingress-nginx: {values: {controller: {replicaCount: 1}}, chart: {version: 9.9.9}}")
ADDED = "  overrides:\n    addons:\n      ingress-nginx: {chart: {version: 9.9.9}}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "repo")
    dev = root / "environments" / "dev.yaml"
    dev.write_text(dev.read_text().replace(*BUMP))
    return root


def _stage(repo: Path) -> Path:
    return repo / "environments" / "stage.yaml"


def _promoted(repo: Path, original: bytes) -> bytes:
    _stage(repo).write_bytes(original)
    result = run_cli("promote", "--repo", str(repo), "--to", "stage")
    assert result.code == 0, result.err
    return _stage(repo).read_bytes()


@pytest.mark.parametrize("eol", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_endings_are_kept(repo: Path, eol: str) -> None:
    lf = _stage(repo).read_text()
    assert _promoted(repo, lf.replace("\n", eol).encode()) == (lf + ADDED).replace("\n", eol).encode()


def test_mixed_endings_keep_each_line_and_new_lines_take_the_usual_one(repo: Path) -> None:
    lines = _stage(repo).read_text().splitlines()
    original = "".join(line + ("\r\n" if i % 3 else "\n") for i, line in enumerate(lines))
    out = _promoted(repo, original.encode()).decode()
    assert out.startswith(original) and out[len(original):] == ADDED.replace("\n", "\r\n")


def test_no_final_newline_stays_so(repo: Path) -> None:
    lf = _stage(repo).read_text()
    assert _promoted(repo, lf.rstrip("\n").encode()) == (lf + ADDED).rstrip("\n").encode()


@pytest.mark.parametrize("change", [
    ("  clusters:\n", "  clusters :\n"),  # `key :`
    ("  syncPolicy: {automated: true}\n", "  syncPolicy: {\n    automated: true\n  }\n"),  # a multi-line flow map
    ("  addonStacks: [platform-core, observability]\n", "  ? addonStacks\n  : [platform-core, observability]\n"),
    ("  kubernetesVersion: \"1.31\"\n", "  kubernetesVersion:   \"1.31\"   # aligned\n"),
], ids=["key-space-colon", "multi-line-flow", "explicit-key", "aligned"])
def test_layouts_ruamel_would_rewrite_are_kept_where_nothing_is_edited(repo: Path, change: tuple[str, str]) -> None:
    original = _stage(repo).read_text().replace(*change)
    assert _promoted(repo, original.encode()).decode() == original + ADDED


def test_a_json_style_blueprint_is_refused_rather_than_rewritten(repo: Path) -> None:
    text = ('{"apiVersion": "gitops-gen/v1", "kind": "Environment", "metadata": {"name": "stage"},\n'
            ' "spec": {"promotesFrom": "dev", "kubernetesVersion": "1.31",\n'
            '  "clusters": [{"name": "stage-eu1", "server": "https://stage-eu1.k8s.acme.internal"}],\n'
            '  "addonStacks": ["platform-core", "observability"], "tenants": ["payments"]}}\n')
    _stage(repo).write_text(text)
    result = run_cli("promote", "--repo", str(repo), "--to", "stage")
    assert result.code == 2, result.err
    assert result.err.startswith("environments/stage.yaml:") and "make the change by hand" in result.err
    assert _stage(repo).read_text() == text


def test_mode_and_symlink_are_kept(repo: Path) -> None:
    (repo / "shared").mkdir()
    real = repo / "shared" / "stage.yaml"
    _stage(repo).rename(real)
    _stage(repo).symlink_to("../shared/stage.yaml")
    real.chmod(0o640)
    before = real.read_text()
    assert run_cli("promote", "--repo", str(repo), "--to", "stage").code == 0
    assert _stage(repo).is_symlink() and os.readlink(_stage(repo)) == "../shared/stage.yaml"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert real.read_text() == before + ADDED


def test_a_read_only_blueprint_is_not_replaced(repo: Path) -> None:
    _stage(repo).chmod(0o444)
    before = _stage(repo).read_text()
    result = run_cli("promote", "--repo", str(repo), "--to", "stage")
    assert result.code == 2 and "read-only" in result.err
    assert _stage(repo).read_text() == before


def test_a_save_between_read_and_write_is_refused(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gitops_gen.yamlio import roundtrip

    apply = roundtrip.apply_edits

    def save_meanwhile(text: str, *args: object) -> str:
        _stage(repo).write_text(text + "# saved in an editor meanwhile\n")
        return apply(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(roundtrip, "apply_edits", save_meanwhile)
    with pytest.raises(InputError, match="changed since promote read it"):
        promote(repo, "stage")
    assert _stage(repo).read_text().endswith("# saved in an editor meanwhile\n")


def test_a_tab_before_a_comment_is_located(repo: Path) -> None:
    original = _stage(repo).read_text().replace("  tenants: [payments, search, checkout]\n",
                                                "  tenants: [payments, search, checkout]\t# ours\n")
    _stage(repo).write_text(original)
    result = run_cli("promote", "--repo", str(repo), "--to", "stage")
    if result.code == 0:  # the editor read it after all: the bytes are what matters
        assert _stage(repo).read_text() == original + ADDED
    else:
        assert result.code == 2 and result.err.startswith("environments/stage.yaml:15:"), result.err


def test_what_promote_prints_shows_hostile_characters_escaped(repo: Path) -> None:
    dev = repo / "environments" / "dev.yaml"
    dev.write_text(dev.read_text().replace("replicaCount: 1}", 'replicaCount: 1, hostile: "a\\u202eb"}'))
    result = run_cli("promote", "--repo", str(repo), "--to", "stage", "--addon", "ingress-nginx", "--dry-run")
    assert result.code == 0, result.err
    assert "\u202e" not in result.out and "a\\u202eb" in result.out
