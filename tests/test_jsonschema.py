"""The JSON Schema agrees with the loader: every example passes both, every shape error fails both.

"Shape" is everything the loader checks inside one document (``load.check_document``). What needs
other files (references, cycles, duplicates across files, merged overrides) or is about the YAML
itself (duplicate keys, aliases, nesting, encoding) is out of a schema's reach: for those cases the
test only requires that schema and per-document check agree that the document's shape is fine.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from gitops_gen.base.errors import InputError
from gitops_gen.blueprint.jsonschema import SCHEMA_KINDS, json_schema
from gitops_gen.blueprint.load import FOLDERS, SETTINGS_FILE, check_document
from gitops_gen.cli import run
from gitops_gen.yamlio.reader import load_positioned, to_json
from tests.test_load_errors import BASE, CASES, Edit

PROJECT = Path(__file__).resolve().parents[1]
VALIDATORS = {kind: jsonschema_rs.Draft202012Validator(json_schema(kind)) for kind in SCHEMA_KINDS}
ANY_KIND = jsonschema_rs.Draft202012Validator(json_schema("all"))


def kind_of(rel: str) -> str | None:
    if rel == SETTINGS_FILE:
        return "Settings"
    return next((kind for kind, folder in FOLDERS.items() if rel.startswith(folder + "/")), None)


def blueprint_files(root: Path) -> list[tuple[str, Path]]:
    found = [(k, p) for p in sorted(root.rglob("*.y*ml"))
             if "rendered" not in p.parts and (k := kind_of(p.relative_to(root).as_posix()))]
    assert found, root
    return found


def verdicts(kind: str, path: Path, root: Path) -> tuple[bool, bool, list[str]] | None:
    """(loader accepts, schema accepts, loader errors); None when the file is not one YAML mapping."""
    try:
        docs = load_positioned(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix())
    except (InputError, UnicodeDecodeError, ValueError):
        return None  # YAML-level problems: the loader reports them before any shape exists
    if len(docs) != 1:
        return None
    errors: list[InputError] = []
    check_document(docs[0], kind, errors)
    data = to_json(docs[0])
    return not errors, VALIDATORS[kind].is_valid(data), [str(e) for e in errors]


EXAMPLES = [PROJECT, *sorted(p for p in (PROJECT / "tests" / "corpus").iterdir() if p.is_dir())]


@pytest.mark.parametrize("root", EXAMPLES, ids=lambda p: p.relative_to(PROJECT).as_posix() or "example")
def test_every_example_blueprint_is_valid_for_schema_and_loader(root: Path) -> None:
    for kind, path in blueprint_files(root):
        verdict = verdicts(kind, path, root)
        assert verdict is not None and verdict[:2] == (True, True), (path, verdict)
        data = to_json(load_positioned(path.read_text(), path.name)[0])
        assert ANY_KIND.is_valid(data), path
        assert [e.message for e in VALIDATORS[kind].iter_errors(data)] == []


@pytest.mark.parametrize(("edits", "expected"), CASES)
def test_schema_and_loader_agree_on_every_broken_document(edits: list[Edit], expected: Any, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    for edit in edits:
        edit.apply(root)
    for kind, path in blueprint_files(root):
        verdict = verdicts(kind, path, root)
        if verdict is not None:
            loader_ok, schema_ok, errors = verdict
            assert loader_ok == schema_ok, f"{path.relative_to(root)}: loader {errors or 'accepts'}, schema " \
                                           f"{'accepts' if schema_ok else 'rejects'}"


def test_the_broken_corpus_exercises_the_schema(tmp_path: Path) -> None:
    """Most broken-blueprint cases are shape errors both reject: the agreement above is not vacuous."""
    rejected = []
    for index, param in enumerate(CASES):
        root = tmp_path / str(index)
        shutil.copytree(BASE, root)
        for edit in param.values[0]:
            edit.apply(root)
        found = [verdicts(kind, path, root) for kind, path in blueprint_files(root)]
        if any(v is not None and v[:2] == (False, False) for v in found):
            rejected.append(param.id)
    assert len(rejected) >= 70, (len(rejected), rejected)


@pytest.mark.parametrize("kind", [*SCHEMA_KINDS, "all"])
def test_schema_command_prints_the_schema(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["schema", kind]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema(kind)


def test_schema_rejects_misspelt_fields_with_the_field_named() -> None:
    doc = {"apiVersion": "gitops-gen/v1", "kind": "Tenant", "metadata": {"name": "t"},
           "spec": {"tier": "small", "viewer": ["x"]}}
    messages = [e.message for e in VALIDATORS["Tenant"].iter_errors(doc)]
    assert any("viewer" in m for m in messages), messages


def test_a_value_ending_in_a_newline_is_refused_by_both() -> None:
    doc = {"apiVersion": "gitops-gen/v1", "kind": "Tenant", "metadata": {"name": "search\n"}, "spec": {"tier": "s"}}
    assert not VALIDATORS["Tenant"].is_valid(doc)


def test_the_committed_field_reference_is_current() -> None:
    from gitops_gen.blueprint.fielddocs import markdown

    committed = (PROJECT / "docs" / "blueprint-reference.md").read_text(encoding="utf-8")
    assert committed == markdown(), "docs/blueprint-reference.md is stale: run `make docs` and commit it"


def test_every_field_the_loader_accepts_is_documented() -> None:
    from gitops_gen.blueprint import v1 as bp
    from gitops_gen.blueprint.fielddocs import rows

    undocumented = [path for kind in SCHEMA_KINDS for path, fld in rows(bp.SPEC_OF_KIND[kind], "spec") if not fld.doc]
    assert undocumented == []
    reference = (PROJECT / "docs" / "blueprint-reference.md").read_text(encoding="utf-8")
    for kind in SCHEMA_KINDS:
        for path, _ in rows(bp.SPEC_OF_KIND[kind], "spec"):
            assert f"| `{path}` |" in reference, path
