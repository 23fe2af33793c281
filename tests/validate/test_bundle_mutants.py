"""The constructs of real bundles pass; every single-defect mutant the API server rejects is detected.

Fixtures: tests/validate/fixtures/bundles (written for these tests from what public bundles use) and
the operator CRDs in fixtures/operators/crds.  Mutants: tests/validate/bundle_mutants.py.  Each
finding must be an error with the mutant's rule at the line of the mutated field.
"""

from __future__ import annotations

from collections import Counter

import pytest

from gitops_gen.base.severity import Severity
from gitops_gen.validate import paths
from gitops_gen.validate.engine import Options, validate_documents
from gitops_gen.validate.findings import Finding
from tests.validate.bundle_mutants import BUNDLES, CLASSES, CRDS, VALID_FILES, Mutant, mutants

VERSIONS = ("1.25", "1.31", "1.37")
MUTANTS = list(mutants())


def _validate(text: str, name: str, version: str = "1.31", strict: bool = True) -> list[Finding]:
    crds = paths.load_crd_dirs([CRDS], strict_fields=strict)
    problems: list[Finding] = []
    docs = [d for doc in paths.parse_stream(text, name, strict, problems) for d in paths.expand_list(doc)]
    report = validate_documents(docs, Options(version, strict=strict, crds=crds))
    return [*problems, *report.findings]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize("name", VALID_FILES)
def test_valid_bundle_documents_have_no_findings(name: str, version: str, strict: bool) -> None:
    assert _validate((BUNDLES / name).read_text(), name, version, strict) == []


def test_every_removed_api_of_an_old_chart_is_an_error() -> None:
    found = _validate((BUNDLES / "old-chart.yaml").read_text(), "old-chart.yaml", "1.33")
    assert [(f.rule, f.severity) for f in found] == [("removed-api", Severity.ERROR)] * 7


def test_the_mutants_cover_every_class() -> None:
    classes = Counter(m.name.split(":")[0] for m in MUTANTS)
    assert set(classes) == {*CLASSES, "duplicate-key"}
    assert min(classes.values()) >= 5


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_each_mutant_is_detected_at_its_field(mutant: Mutant) -> None:
    found = _validate(mutant.text, "mutant.yaml", strict=True)
    hits = [f for f in found if f.rule == mutant.rule and f.severity is Severity.ERROR]
    assert hits, found
    if mutant.path:
        assert mutant.path in {f.path for f in hits} or any(
            mutant.path.startswith(f.path) for f in hits
        ), hits
        line = mutant.text.split("\n")[hits[0].line - 1]
        key = mutant.path.rsplit(".", 1)[-1].split("[")[0]
        assert key in line or line.strip().startswith("-"), (line, hits[0])
    if not mutant.strict:  # a defect in default mode too
        assert any(f.rule == mutant.rule for f in _validate(mutant.text, "mutant.yaml", strict=False))
