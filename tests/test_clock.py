"""One clock: policy's "today" and drift's report time read the same instant (SOURCE_DATE_EPOCH when set)."""

from __future__ import annotations

import datetime

import pytest

from gitops_gen.base import clock
from gitops_gen.drift import run as drift_run
from gitops_gen.drift.config import DriftConfig
from gitops_gen.validate.policy.context import PolicyContext

EPOCH = 1_893_456_000  # 2030-01-01T00:00:00Z


def test_policy_and_drift_agree_on_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert clock.now() == datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    assert PolicyContext().today == datetime.date(2030, 1, 1)
    assert drift_run.run([], DriftConfig(), None).generated_at == "2030-01-01T00:00:00Z"


def test_without_the_variable_it_is_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.datetime.now(datetime.UTC)
    assert before - datetime.timedelta(seconds=5) <= clock.now() <= before + datetime.timedelta(seconds=60)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    assert clock.today() >= before.date()
