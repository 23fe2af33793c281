"""The ``policy:`` section of gitops.yaml: switches, severities, exceptions, and exact error places."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.base.errors import InputError, InputErrors
from gitops_gen.base.manifest import Manifest
from gitops_gen.base.severity import Severity
from gitops_gen.validate.policy import (
    EXPIRED_EXCEPTION,
    EXPIRING_EXCEPTION,
    PolicyContext,
    parse_policy,
    run_rules,
)
from gitops_gen.yamlio.reader import load_plain, load_positioned

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = datetime.date(2026, 1, 15)
CONTEXT = PolicyContext(env="prod", production=True, repo_url="https://github.com/acme/platform-gitops.git",
                        today=TODAY)


def policy(text: str) -> Any:
    (doc,) = load_positioned(text, "gitops.yaml")
    return doc["policy"]


def objects(*names: str) -> list[Manifest]:
    out = []
    for name in names:
        out += [Manifest(d, path=name) for d in load_plain((FIXTURES / name).read_text()) if d]
    return out


def rules_of(findings: list[Any]) -> list[tuple[str, str]]:
    return sorted((f.rule, f.ref.name if f.ref else "") for f in findings)


def test_no_section_means_defaults() -> None:
    config = parse_policy(None)
    assert config.required_namespace_labels == ("cost-center",)
    assert config.exceptions == ()


def test_disable_a_rule() -> None:
    config = parse_policy(policy("policy:\n  rules:\n    GG107: {enabled: false}\n"))
    assert [f for f in run_rules(objects("GG107-FAILED.yaml"), CONTEXT, config) if f.rule == "GG107"] == []


def test_change_severity() -> None:
    config = parse_policy(policy("policy:\n  rules:\n    GG104: {severity: warning}\n"))
    found = [f for f in run_rules(objects("GG104-FAILED.yaml"), CONTEXT, config) if f.rule == "GG104"]
    assert found and {f.severity for f in found} == {Severity.WARNING}


def test_required_labels_are_configurable() -> None:
    config = parse_policy(policy("policy:\n  requiredNamespaceLabels: [cost-center, owner]\n"))
    found = [f for f in run_rules(objects("GG107-PASSED.yaml"), CONTEXT, config) if f.rule == "GG107"]
    assert [f.ref.name for f in found if f.ref] == ["payments-api"]
    assert "owner" in found[0].message


EXCEPTION = """\
policy:
  exceptions:
    - rule: GG105
      object: {kind: Deployment, namespace: payments-*, name: bad-latest}
      reason: "vendor image, tracked in SEC-123"
      expires: {expires}
"""


def test_exception_suppresses_only_its_object() -> None:
    config = parse_policy(policy(EXCEPTION.replace("{expires}", "2027-03-31")))
    found = rules_of([f for f in run_rules(objects("GG105-FAILED.yaml"), CONTEXT, config)])
    assert ("GG105", "bad-latest") not in found
    assert ("GG105", "bad-pod") in found
    assert EXPIRED_EXCEPTION not in {rule for rule, _ in found}


def test_exception_valid_on_its_expiry_day() -> None:
    config = parse_policy(policy(EXCEPTION.replace("{expires}", TODAY.isoformat())))
    assert ("GG105", "bad-latest") not in rules_of(run_rules(objects("GG105-FAILED.yaml"), CONTEXT, config))


def test_expired_exception_is_an_error_finding_and_stops_suppressing() -> None:
    config = parse_policy(policy(EXCEPTION.replace("{expires}", "2026-01-14")))
    findings = run_rules(objects("GG105-FAILED.yaml"), CONTEXT, config)
    expired = [f for f in findings if f.rule == EXPIRED_EXCEPTION]
    assert len(expired) == 1
    assert expired[0].severity is Severity.ERROR
    assert (expired[0].file, expired[0].line) == ("gitops.yaml", 3)
    assert "expired on 2026-01-14" in expired[0].message and "SEC-123" in expired[0].message
    assert ("GG105", "bad-latest") in rules_of(findings)


def test_reference_rule_ids_are_configurable_too() -> None:
    config = parse_policy(policy("policy:\n  rules:\n    GG204: {severity: warning}\n"))
    assert config.setting("GG204").severity is Severity.WARNING


def error_of(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse_policy(policy(text))
    return info.value


def test_unknown_rule_id_has_did_you_mean_and_position() -> None:
    err = error_of("policy:\n  rules:\n    GG1O4: {enabled: false}\n")
    assert str(err) == ("gitops.yaml:3:5: policy.rules.GG1O4: 'GG1O4' is not a known policy rule id"
                        " (did you mean 'GG104'?)")


def test_unknown_key_has_did_you_mean_and_position() -> None:
    err = error_of("policy:\n  rules:\n    GG104: {severty: warning}\n")
    assert str(err) == "gitops.yaml:3:13: policy.rules.GG104.severty: unknown field (did you mean 'severity'?)"


def test_bad_severity_value() -> None:
    err = error_of("policy:\n  rules:\n    GG104:\n      severity: fatal\n")
    assert str(err) == "gitops.yaml:4:17: policy.rules.GG104.severity: 'fatal' is not one of error, warning, info"


def test_unknown_top_level_key() -> None:
    err = error_of("policy:\n  exception: []\n")
    assert str(err) == "gitops.yaml:2:3: policy.exception: unknown field (did you mean 'exceptions'?)"


def test_exception_without_reason_or_expires_is_an_error() -> None:
    err = error_of("policy:\n  exceptions:\n    - rule: GG105\n      object: {name: legacy}\n")
    assert isinstance(err, InputErrors)
    assert [str(e) for e in err.errors] == [
        "gitops.yaml:3:7: policy.exceptions[0].expires: required field is missing",
        "gitops.yaml:3:7: policy.exceptions[0].reason: required field is missing",
    ]


def test_exception_with_bad_date_and_selector_key() -> None:
    err = error_of("policy:\n  exceptions:\n    - rule: GG105\n      object: {nmae: legacy}\n"
                   "      reason: r\n      expires: next year\n")
    assert isinstance(err, InputErrors)
    messages = [str(e) for e in err.errors]
    assert ("gitops.yaml:4:16: policy.exceptions[0].object.nmae: unknown field (did you mean 'name'?)"
            in messages)
    assert "gitops.yaml:6:16: policy.exceptions[0].expires: expected a date YYYY-MM-DD, got 'next year'" in messages


def test_plain_dicts_are_accepted() -> None:
    config = parse_policy({"exceptions": [{"rule": "GG101", "object": {"name": "x"}, "reason": "r",
                                          "expires": datetime.date(2030, 1, 1)}]})
    assert config.exceptions[0].expires == datetime.date(2030, 1, 1)


@pytest.mark.parametrize(
    ("expires", "window", "warned"),
    [
        ("2026-01-15", None, "expires today"),  # still valid today, lapses tomorrow
        ("2026-01-29", None, "expires in 14 days"),  # default window: 14 days
        ("2026-01-30", None, None),
        ("2026-01-20", "3", None),
        ("2026-01-18", "3", "expires in 3 days"),
        ("2026-01-16", "0", None),  # 0 turns the warning off
    ],
)
def test_an_exception_about_to_lapse_is_a_warning(expires: str, window: str | None, warned: str | None) -> None:
    text = EXCEPTION.replace("{expires}", expires)
    if window is not None:
        text += f"  expiryWarningDays: {window}\n"
    findings = run_rules(objects("GG105-FAILED.yaml"), CONTEXT, parse_policy(policy(text)))
    soon = [f for f in findings if f.rule == EXPIRING_EXCEPTION]
    assert ("GG105", "bad-latest") not in rules_of(findings)  # still suppressing
    if warned is None:
        assert soon == []
    else:
        assert len(soon) == 1 and soon[0].severity is Severity.WARNING
        assert warned in soon[0].message and (soon[0].file, soon[0].line) == ("gitops.yaml", 3)


@pytest.mark.parametrize(
    ("value", "why"), [("-1", "must be at least 0"), ("soon", "expected an integer"), ("true", "expected an integer"),
                       ("1.5", "expected an integer")],
)
def test_expiry_warning_days_must_be_a_whole_number(value: str, why: str) -> None:
    with pytest.raises(InputError, match=f"policy.expiryWarningDays: {why}"):
        parse_policy(policy(f"policy:\n  expiryWarningDays: {value}\n"))
