"""The validation engine: one document in, its findings out.

Order per document: shape (a mapping with ``apiVersion`` and ``kind``), skip
list, removed/deprecated API table (a removed API is reported as removed and
goes no further), schema (``--crd-dir`` CRDs, then the carried Argo CD
schemas, then the Kubernetes schemas of the target version), then the checks
the schemas do not make (names, labels, quantities).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gitops_gen.base.errors import Location
from gitops_gen.base.manifest import ObjectRef, origin_at, ref_of
from gitops_gen.base.severity import Severity
from gitops_gen.validate import apiserver, argocd_schemas, fieldwalk, names, removed_apis, schemas
from gitops_gen.validate.crds import CrdRegistry
from gitops_gen.validate.findings import (
    ENUM,
    INVALID_DOCUMENT,
    MISSING_SCHEMA,
    NAMES,
    QUANTITY,
    REQUIRED_FIELD,
    SCHEMA,
    Checked,
    Finding,
    Report,
)
from gitops_gen.validate.lines import field_lines


@dataclass(frozen=True)
class Document:
    """One parsed document and where it was read: ``file`` and the 1-based ``line`` it starts on.

    ``text`` (starting at line ``text_line`` of the file) is the document's own source, kept so that
    findings can name the line of their field; ``within`` is where the object sits inside it (a
    ``kind: List`` item: ``("items", 3)``).
    """

    body: Any
    file: str = ""
    line: int = 0
    source: Location | None = None  # blueprint origin, when the document was rendered
    text: str = field(default="", repr=False, compare=False)
    text_line: int = 1
    within: tuple[str | int, ...] = ()
    field_sources: Mapping[str, Location] = field(default_factory=dict, compare=False)  # Manifest.field_origins


@dataclass(frozen=True)
class Options:
    kubernetes_version: str
    strict: bool = True  # unknown fields are errors
    crds: CrdRegistry = field(default_factory=CrdRegistry)
    skip: frozenset[str] = frozenset()  # kinds ("Secret") or apiVersion/kinds ("v1/Secret")
    missing_schema: Severity | None = Severity.ERROR  # None: ignore custom resources without a schema


def validate_documents(documents: Iterable[Document], options: Options) -> Report:
    findings: list[Finding] = []
    checked: list[Checked] = []
    for doc in documents:
        if doc.body is None:  # empty documents are allowed
            continue
        checked.append(Checked(doc.file, _ref_of(doc.body), doc.line))
        findings.extend(validate_document(doc, options))
    return Report(len(checked), tuple(findings), tuple(checked)).sorted()


def _ref_of(body: Any) -> ObjectRef:
    return ref_of(body) if isinstance(body, Mapping) else ObjectRef("", "", "", "")


def validate_document(doc: Document, options: Options) -> list[Finding]:
    """Every finding about one document, each at the line of its field when the document's text is known."""
    found = _validate(doc, options)
    if doc.text and any(f.path or f.rule == SCHEMA for f in found):
        where = {f: _field_of(f) for f in found}
        lines = field_lines(doc.text, doc.text_line, doc.within, set(where.values()) - {""})
        found = [dataclasses.replace(f, line=lines.get(where[f], f.line)) for f in found]
    if doc.field_sources:  # a field an override set is blamed on the override's line
        found = [dataclasses.replace(f, source=origin_at(doc.source, doc.field_sources, _field_of(f))) for f in found]
    return found


_UNEXPECTED = re.compile(r"\('([^']+)'(?:, '[^']+')* (?:was|were) unexpected\)")


def _field_of(finding: Finding) -> str:
    """The field a finding is about: an unknown field is named in the message, not in the path."""
    unexpected = _UNEXPECTED.search(finding.message) if finding.rule == SCHEMA else None
    if unexpected is None:
        return finding.path
    return f"{finding.path}.{unexpected.group(1)}" if finding.path else unexpected.group(1)


def _validate(doc: Document, options: Options) -> list[Finding]:
    body = doc.body

    def found(rule: str, message: str, path: str = "", severity: Severity = Severity.ERROR) -> Finding:
        return Finding(rule, severity, ref, message, path, doc.file, doc.line, doc.source)

    if not isinstance(body, Mapping):
        ref = None
        return [found(INVALID_DOCUMENT, f"document is a {type(body).__name__}, not a Kubernetes object")]
    ref = ref_of(body)
    for key in ("apiVersion", "kind"):
        if not isinstance(body.get(key), str) or not body[key]:
            return [found(INVALID_DOCUMENT, f"missing '{key}' key")]
    if ref.kind in options.skip or f"{ref.api_version}/{ref.kind}" in options.skip:
        return []
    out: list[Finding] = []
    api = removed_apis.check(ref, options.kubernetes_version, doc.file, doc.line, doc.source)
    if api is not None:
        out.append(api)
        if api.severity is Severity.ERROR:  # removed: no schema to check against, and no need
            return out
    errors = _schema_errors(body, ref, options)
    if errors is None:
        if (ref.api_version, ref.kind) in removed_apis.APIS:
            # a built-in API the target still serves (e.g. policy/v1beta1 for 1.20) that the oldest
            # shipped schemas no longer carry: say so, but it is no custom resource missing its CRD
            used = schemas.schema_version_for(options.kubernetes_version)
            message = f"no schema shipped for {ref.api_version} {ref.kind} (schemas {used}); not validated"
            out.append(found(MISSING_SCHEMA, message, severity=Severity.WARNING))
        elif options.missing_schema is not None:
            message = f"no schema for {ref.kind} ({ref.api_version}); pass its CRD with --crd-dir"
            out.append(found(MISSING_SCHEMA, message, severity=options.missing_schema))
    else:
        out.extend(found(SCHEMA, e.message, e.path) for e in errors)
    out.extend(found(NAMES, e.message, e.path) for e in names.check_metadata(body))
    trie = _field_checks(options.kubernetes_version, ref.api_version, ref.kind)
    for path, value, checks in fieldwalk.walk(body, trie):
        for allowed in checks:
            if allowed is _QUANTITY:
                if value is not None and (why := names.quantity(value)):
                    out.append(found(QUANTITY, f"{value!r} {why}", path))
            elif isinstance(value, str) and value and value not in allowed:
                out.append(found(ENUM, apiserver.not_allowed(value, allowed), path))
    out.extend(found(REQUIRED_FIELD, e.message, e.path) for e in apiserver.check_images(body))
    return out


_QUANTITY = object()  # the check "a resource.Quantity" (the other checks are enum value tuples)


@functools.cache
def _field_checks(version: str, api_version: str, kind: str) -> fieldwalk.Node:
    """Every field check of a built-in kind, as one trie: quantities and enum values."""
    quantities = ((p, _QUANTITY) for p in schemas.quantity_paths(version, api_version, kind))
    return fieldwalk.build([*quantities, *apiserver.enum_paths(version, api_version, kind)])


def _schema_errors(
    body: Mapping[str, Any], ref: ObjectRef, options: Options
) -> list[schemas.SchemaError] | None:
    for registry in (options.crds, argocd_schemas.registry(options.strict)):
        if registry.has(ref.api_version, ref.kind):
            return registry.validate(body)
    return schemas.validate(body, options.kubernetes_version, options.strict)
