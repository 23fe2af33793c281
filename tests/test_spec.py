"""Properties of the field specs: every pattern is matched whole, so no value ends in a smuggled newline."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitops_gen.base.errors import InputError, Location
from gitops_gen.blueprint import v1 as bp
from gitops_gen.blueprint.spec import Either, ListOf, MapOf, Name, Obj, Spec, Str, Typed

HERE = Location("x.yaml", 1, 1)


def walk(spec: Spec, path: str) -> Iterator[tuple[str, Spec]]:
    yield path, spec
    if isinstance(spec, Typed):
        yield from walk(spec.inner, path)
    elif isinstance(spec, Either):
        for option in spec.options:
            yield from walk(option, path)
    elif isinstance(spec, Obj):
        for key, fld in spec.fields.items():
            yield from walk(fld.spec, f"{path}.{key}")
    elif isinstance(spec, ListOf):
        yield from walk(spec.item, f"{path}[]")
    elif isinstance(spec, MapOf):
        yield from walk(spec.keys, f"{path}.<key>")
        yield from walk(spec.value, f"{path}.<name>")


def string_specs() -> Iterator[tuple[str, Str]]:
    """Every patterned string of every kind, except free text (which may span lines)."""
    seen: set[int] = set()
    for kind, spec in bp.SPEC_OF_KIND.items():
        for path, inner in walk(spec, f"{kind}.spec"):
            pattern = inner.compiled() if isinstance(inner, Str) else None
            if pattern is not None and id(inner) not in seen and not pattern.fullmatch("a\nb"):
                seen.add(id(inner))
                yield path, inner


PATTERNED = list(string_specs())


def test_the_walk_finds_the_name_rules_of_issue_12() -> None:
    paths = {p for p, _ in PATTERNED}
    for fragment in ("repoURL", "path", "targetRevision", "server", "chart.version", "labels"):
        assert any(fragment in p for p in paths), fragment


@pytest.mark.parametrize(("path", "spec"), PATTERNED, ids=[p for p, _ in PATTERNED])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_valid_value_with_a_trailing_newline_is_refused(path: str, spec: Str, data: st.DataObject) -> None:
    pattern = spec.compiled()
    assert pattern is not None
    value = data.draw(st.from_regex(pattern, fullmatch=True).filter(lambda v: not v.endswith("\n")))
    errors: list[InputError] = []
    if spec.check(value, HERE, path, errors) is None:
        return  # a value the pattern allows but a length or choice rule refuses: not this property
    for bad in (value + "\n", value + "\r\n", "\n" + value):
        errors = []
        assert spec.check(bad, HERE, path, errors) is None, repr(bad)
        assert "\n" not in str(errors[0]), "the newline is escaped in the message"


@given(st.from_regex(re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"), fullmatch=True))
def test_names_are_whole_dns_labels(value: str) -> None:
    errors: list[InputError] = []
    assert Name().check(value, HERE, "name", errors) == value
    assert Name().check(value + "\n", HERE, "name", errors) is None
