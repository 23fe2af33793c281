"""Colour on a terminal only: one decision (gitops_gen.base.colour) that every text output follows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_gen.base import colour
from gitops_gen.cli import run


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("choice", "environ", "tty", "want"), [
    ("auto", {}, True, True),
    ("auto", {}, False, False),
    ("auto", {"NO_COLOR": "1"}, True, False),
    ("auto", {"NO_COLOR": ""}, True, True),  # no-color.org: present *and not empty*
    ("auto", {"FORCE_COLOR": "1"}, False, True),
    ("auto", {"FORCE_COLOR": "0"}, True, True),
    ("auto", {"FORCE_COLOR": "0"}, False, False),
    ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),  # NO_COLOR wins over FORCE_COLOR
    ("auto", {"TERM": "dumb"}, True, False),
    ("always", {"NO_COLOR": "1"}, False, True),  # an explicit flag beats the environment
    ("never", {"FORCE_COLOR": "1"}, True, False),
])
def test_the_decision(choice: str, environ: dict[str, str], tty: bool, want: bool) -> None:
    assert colour.wanted(choice, Tty() if tty else io.StringIO(), environ) is want


def test_a_closed_stream_means_no_colour() -> None:
    stream = io.StringIO()
    stream.close()
    assert colour.wanted("auto", stream, {}) is False


@given(st.text(), st.sampled_from(sorted(colour.PALETTE)))
def test_paint_only_wraps(text: str, role: str) -> None:
    assert colour.paint(text, role, enabled=False) == text
    painted = colour.paint(text, role)
    assert painted == text if not text else painted.startswith("\033[") and painted.endswith(colour.RESET)
    assert text in painted


def _broken_repo(tmp_path: Path) -> Path:
    manifest = tmp_path / "bad.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: 1}\n")
    return manifest


@pytest.mark.parametrize(("args", "environ", "coloured"), [
    ([], {}, False),                              # captured output is not a terminal
    (["--color", "always"], {}, True),
    (["--color", "always"], {"NO_COLOR": "1"}, True),
    ([], {"FORCE_COLOR": "1"}, True),
    (["--color", "never"], {"FORCE_COLOR": "1"}, False),
])
def test_validate_text_follows_the_decision(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch, args: list[str],
                                            environ: dict[str, str], coloured: bool) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert run([*args, "validate", str(_broken_repo(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert ("\033[31merror\033[0m" in out) is coloured
    assert ("\033[" in out) is coloured
    assert "error" in out


def test_json_never_carries_colour(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--color", "always", "validate", "-o", "json", str(_broken_repo(tmp_path))]) == 1
    assert "\033[" not in capsys.readouterr().out


DRIFT_FIXTURES = Path(__file__).resolve().parent / "drift" / "fixtures"


@pytest.mark.parametrize(("args", "coloured"), [([], False), (["--color", "always"], True)])
def test_drift_text_follows_the_same_decision(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                              args: list[str], coloured: bool) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    desired, live = DRIFT_FIXTURES / "desired.yaml", DRIFT_FIXTURES / "live.yaml"
    assert run([*args, "drift", "--desired", str(desired), "--live-from", str(live)]) == 0
    out = capsys.readouterr().out
    assert ("\033[32mno drift\033[0m: 1 cluster(s)" in out) is coloured  # nothing drifted: one line
    assert ("\033[" in out) is coloured
    assert "no drift" in out


def test_drift_json_never_carries_colour(capsys: pytest.CaptureFixture[str]) -> None:
    desired, live = DRIFT_FIXTURES / "desired.yaml", DRIFT_FIXTURES / "live.yaml"
    assert run(["--color", "always", "drift", "--desired", str(desired), "--live-from", str(live), "-o", "json"]) == 0
    assert "\033[" not in capsys.readouterr().out


@pytest.mark.parametrize(("args", "coloured"), [([], False), (["--color", "always"], True)])
def test_render_check_labels_follow_the_same_decision(example_repo: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch, args: list[str],
                                                      coloured: bool) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    stale = next((example_repo / "rendered").rglob("*.yaml"))
    stale.write_text(stale.read_text() + "# edited by hand\n")
    assert run([*args, "render", "--check", "--repo", str(example_repo)]) == 1
    out = capsys.readouterr().out
    assert ("\033[33mstale\033[0m: rendered/" in out) is coloured
    assert ("stale: rendered/" in out) is not coloured
