"""Secret values never appear in any format; each format's promises, on a real repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_gen.cli import run
from gitops_gen.diff.formats import FORMATS
from tests.diff.conftest import commit_all, edit, git

SECRET_ADDON = """
    - name: registry-credentials
      namespace: kube-system
      manifests:
        - apiVersion: v1
          kind: Secret
          metadata: {name: registry-pull}
          type: Opaque
          stringData: {username: robot, password: hunter2-OLD-VALUE}
          data: {token: T0xELVRPS0VO}
"""


@pytest.mark.tools
def test_secret_values_never_appear_in_any_format(globex: git.Repo, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(globex.working_dir)
    stack = root / "blueprints" / "addons" / "networking.yaml"
    stack.write_text(stack.read_text() + SECRET_ADDON)
    assert run(["render", "--repo", str(root)]) == 0
    base = commit_all(globex, "registry credentials")
    edit(stack, "password: hunter2-OLD-VALUE", "password: s3cr3t-NEW-VALUE")
    edit(stack, "token: T0xELVRPS0VO", "token: TkVXLVRPS0VO")
    edit(stack, "username: robot", "username: robot, email: ops-NEW-KEY@globex.example")
    outputs = {}
    for name in FORMATS:
        capsys.readouterr()
        assert run(["diff", "--repo", str(root), "--base", base, "-o", name]) == 0
        outputs[name] = capsys.readouterr().out
    for name, out in outputs.items():
        for value in ("hunter2", "s3cr3t", "T0xELVRPS0VO", "TkVXLVRPS0VO", "ops-NEW-KEY", "robot"):
            assert value not in out, f"{value} leaked in -o {name}"
        assert "stringData.password" in out and "data.token" in out and "stringData.email" in out, name
    report = json.loads(outputs["json"])
    secret = next(o for c in report["clusters"] for a in c["applications"] for o in a["objects"]
                  if o["object"]["kind"] == "Secret")
    assert {c["path"]: (c["base"], c["head"]) for c in secret["changes"]} == {
        "data.token": ("<redacted>", "<redacted>"),
        "stringData.email": (None, "<redacted>"),
        "stringData.password": ("<redacted>", "<redacted>"),
    }


LIST_ADDON = """
    - name: registry-credentials
      namespace: kube-system
      manifests:
        - apiVersion: v1
          kind: List
          metadata: {name: registry-bundle}
          items:
            - apiVersion: v1
              kind: Secret
              metadata: {name: registry-pull, namespace: kube-system}
              stringData: {username: robot, password: hunter2-OLD-VALUE}
"""


@pytest.mark.tools
@pytest.mark.parametrize("grow", [False, True], ids=["item-edited", "list-grown"])
def test_secret_values_inside_a_list_never_appear_in_any_format(globex: git.Repo, capsys: pytest.CaptureFixture[str],
                                                                grow: bool) -> None:
    root = Path(globex.working_dir)
    stack = root / "blueprints" / "addons" / "networking.yaml"
    stack.write_text(stack.read_text() + LIST_ADDON)
    assert run(["render", "--repo", str(root)]) == 0
    base = commit_all(globex, "registry credentials as a List")
    edit(stack, "password: hunter2-OLD-VALUE", "password: s3cr3t-NEW-VALUE")
    if grow:  # the list changes length: it is one change whose values hold whole Secrets
        stack.write_text(stack.read_text() + """            - apiVersion: v1
              kind: Secret
              metadata: {name: second, namespace: kube-system}
              data: {token: TkVXLVRPS0VO}
""")
    for name in FORMATS:
        capsys.readouterr()
        assert run(["diff", "--repo", str(root), "--base", base, "-o", name]) == 0
        out = capsys.readouterr().out
        assert "registry-credentials" in out, name
        for value in ("hunter2", "s3cr3t", "TkVXLVRPS0VO", "robot"):
            assert value not in out, f"{value} leaked in -o {name}"


def test_text_is_coloured_only_when_asked_and_reports_never_are(globex: git.Repo, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(globex.working_dir)
    edit(root / "environments" / "qa.yaml", "tenants: [storefront, ledger, identity]",
         "tenants: [storefront, identity]")
    capsys.readouterr()
    assert run(["--color", "always", "diff", "--repo", str(root), "--report", str(tmp_path / "r.txt")]) == 0
    assert "\033[" in capsys.readouterr().out and "\033[" not in (tmp_path / "r.txt").read_text()
    assert run(["--color", "never", "diff", "--repo", str(root)]) == 0
    assert "\033[" not in capsys.readouterr().out
