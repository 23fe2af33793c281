"""Enum values the API server validates (validate/serverenums.py, and those the field descriptions state):
each mutant in fixtures/server-enum-mutants.yaml is one field set to a value the API server rejects.  It must
be an `enum` error at that field in every carried Kubernetes version, and the same object without the field
must pass (the check never narrows a field further than the API server does)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gitops_gen.validate.engine import Document, Options, validate_documents
from gitops_gen.validate.fieldwalk import at
from gitops_gen.validate.findings import ENUM
from gitops_gen.yamlio.reader import load_plain

MUTANTS = {d["mutant"]: d for d in load_plain((Path(__file__).parent / "fixtures" / "server-enum-mutants.yaml")
                                              .read_text())}


def _without(body: Any, path: str) -> Any:
    """``body`` less the field at ``path`` (a.b[0].c)."""
    steps = [int(s) if s.isdigit() else s for s in path.replace("[", ".").replace("]", "").split(".")]
    node = body
    for step in steps[:-1]:
        node = node[step]
    del node[steps[-1]]
    return body


def _enum_paths(body: Any, version: str) -> set[str]:
    return {f.path for f in validate_documents([Document(body, "m.yaml", 1)], Options(version)).findings
            if f.rule == ENUM}


def test_the_mutants_cover_the_fields_the_issue_named() -> None:
    names = {m["object"]["kind"] + " " + m["path"] for m in MUTANTS.values()}
    assert {"RoleBinding roleRef.kind", "NetworkPolicy spec.policyTypes[0]",
            "PersistentVolumeClaim spec.accessModes[0]"} <= names
    assert len(MUTANTS) >= 50


@pytest.mark.parametrize("version", ["1.25", "1.31", "1.37"])
@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_each_value_the_api_server_rejects_is_an_enum_error(name: str, version: str) -> None:
    mutant = MUTANTS[name]
    assert mutant["path"] in _enum_paths(mutant["object"], version)
    assert not _enum_paths(_without(load_plain(_dump(mutant["object"]))[0], mutant["path"]), version)


def _dump(body: Any) -> str:
    import json

    return json.dumps(body)


def test_the_field_walker_reaches_every_planted_path() -> None:
    for mutant in MUTANTS.values():
        steps = tuple("[]" if s.isdigit() else s for s in
                      mutant["path"].replace("[", ".").replace("]", "").split("."))
        assert [p for p, _ in at(mutant["object"], steps, "")], mutant["mutant"]
