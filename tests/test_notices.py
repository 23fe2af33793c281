"""The one channel warnings travel: located or not, once per run, to whatever the command line chose."""

from __future__ import annotations

import pytest

from gitops_gen.base import notices
from gitops_gen.base.errors import Location


def test_a_run_sees_each_warning_once_in_the_form_annotations_parse() -> None:
    got: list[str] = []
    with notices.to(got.append):
        notices.warn("tenant 'x' is selected by no environment", Location("blueprints/tenants/x.yaml", 1, 1))
        notices.warn("tenant 'x' is selected by no environment", Location("blueprints/tenants/x.yaml", 1, 1))
        notices.warn("cluster a: extra objects not checked")
    assert got == ["blueprints/tenants/x.yaml:1:1: warning: tenant 'x' is selected by no environment",
                   "gitops-gen: warning: cluster a: extra objects not checked"]


def test_outside_a_run_warnings_go_to_stderr_and_blocks_nest(capsys: pytest.CaptureFixture[str]) -> None:
    outer: list[str] = []
    with notices.to(outer.append):
        inner: list[str] = []
        with notices.to(inner.append):
            notices.warn("inner")
        notices.warn("outer")
    notices.warn("library use")
    assert (inner, outer) == (["gitops-gen: warning: inner"], ["gitops-gen: warning: outer"])
    assert capsys.readouterr().err == "gitops-gen: warning: library use\n"
