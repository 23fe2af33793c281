"""Findings: the immutable result every validation check produces.

A ``Finding`` names a stable rule id, a severity, the object, a field path,
where the object was read (``file``/``line``: the rendered file or the input
path) and, when it came from a blueprint, the blueprint ``source`` location.
A ``Report`` is the whole run; its ``as_json`` is the versioned JSON shape of
DESIGN.md ("version": 1 on top).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from gitops_gen.base.errors import Location
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.severity import Severity

JSON_VERSION = 1

# Rule ids of the checks in this package (policy rules carry GGnnn ids of their own).
SCHEMA = "schema"  # Kubernetes / CRD schema violation
NAMES = "names"  # DNS-1123 names, label keys and values, annotation keys
QUANTITY = "quantity"  # resource quantity syntax
ENUM = "enum"  # a value outside the closed list a built-in field's description gives
REQUIRED_FIELD = "required-field"  # a field the API server requires and the schema does not (container image)
MISSING_SCHEMA = "missing-schema"  # no schema for a kind (CRD not given)
REMOVED_API = "removed-api"  # apiVersion removed at or before the target version
DEPRECATED_API = "deprecated-api"  # apiVersion deprecated but still served
INVALID_DOCUMENT = "invalid-document"  # unparsable, not a mapping, missing kind/apiVersion
CRD = "crd"  # a --crd-dir CRD that cannot be read or compiled, or a pattern of it that is skipped
STALE = "stale"  # committed rendered/ differs from a fresh render
FOREIGN_FILE = "foreign-file"  # a file nobody rendered in a folder Argo CD applies as-is
CREDENTIAL = "credential"  # a credential (token, password, private key) anywhere in rendered/
FLEET_ORDERING = "fleet-ordering"  # a dependsOn generated Applications cannot honour (applicationsets mode)
BLUEPRINT = "blueprint"  # the blueprints (or inputs) could not be loaded: the run stopped before validating




@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    ref: ObjectRef | None
    message: str
    path: str = ""  # field path inside the object, e.g. spec.template.spec.containers[0].image
    file: str = ""  # rendered/... in repo mode, the input path in path mode ("-" for stdin)
    line: int = 0  # 1-based line of the document (or field) in ``file``; 0 when unknown
    source: Location | None = None  # blueprint file:line the object was rendered from
    col: int = 0  # 1-based column in ``file`` when known (load errors); 0 otherwise

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (self.file, self.line, self.severity.rank, self.rule, self.path, self.message)

    def as_json(self) -> dict[str, Any]:
        ref = self.ref or ObjectRef("", "", "", "")
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "object": ref.as_json(),
            "path": self.path,
            "file": self.file,
            "line": self.line,
            "column": self.col,
            "source": str(self.source) if self.source else "",
            "message": self.message,
        }


def error(rule: str, ref: ObjectRef | None, message: str, **where: Any) -> Finding:
    return Finding(rule, Severity.ERROR, ref, message, **where)


def warning(rule: str, ref: ObjectRef | None, message: str, **where: Any) -> Finding:
    return Finding(rule, Severity.WARNING, ref, message, **where)


class Checked(NamedTuple):
    """One object that was validated, findings or not: ``file`` it was read from and its identity."""

    file: str
    ref: ObjectRef
    line: int = 0  # where the document starts, to name an object without kind or name


@dataclass(frozen=True)
class Report:
    documents: int
    findings: tuple[Finding, ...]
    objects: tuple[Checked, ...] = ()  # every validated object (JUnit lists passing ones too)
    charts: Mapping[str, Any] | None = None  # repo mode with charts: the engine, renders and cache hits

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def infos(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.INFO)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def sorted(self) -> Report:
        # One finding per file, line and message: a file two clusters share is validated for each of them.
        return Report(self.documents, tuple(sorted(dict.fromkeys(self.findings), key=Finding.sort_key)),
                      tuple(sorted(set(self.objects))), self.charts)

    def as_json(self) -> dict[str, Any]:
        return {
            "version": JSON_VERSION,
            "summary": {
                "documents": self.documents,
                "errors": self.errors,
                "warnings": self.warnings,
                "infos": self.infos,
            },
            "findings": [f.as_json() for f in self.findings],
            **({"charts": dict(self.charts)} if self.charts else {}),
        }
