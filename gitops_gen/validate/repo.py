"""Repo mode: validate what Argo CD will sync from this repository.

1. Load and render the blueprints; compare with the committed ``rendered/``
   (a stale, missing or extra file is a ``stale`` error: run ``gitops-gen render``).
2. Per cluster, take the desired objects (overlays applied) and put the
   committed version of every stale single-object file in place of the
   rendered one, so a defect planted in ``rendered/`` by hand is judged too.
3. Validate each object against its environment's ``kubernetesVersion``
   (schema, Argo CD kinds, removed APIs, names), run the policy rules and the
   cross-reference checks, and point every finding at ``rendered/<file>`` and
   at the blueprint ``file:line`` it came from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_gen.base import clock
from gitops_gen.base.errors import Location
from gitops_gen.base.inputs import read_input
from gitops_gen.base.manifest import Manifest, ObjectRef, ref_of
from gitops_gen.base.severity import Severity
from gitops_gen.blueprint.load import load_repo
from gitops_gen.blueprint.model import Repo
from gitops_gen.blueprint.provenance import Provenance
from gitops_gen.charts.build import render_repo
from gitops_gen.render import Rendering, owners
from gitops_gen.render.common import RENDERED_DIR
from gitops_gen.render.origins import chain_of
from gitops_gen.validate import fleet, policy, references
from gitops_gen.validate.crds import CrdRegistry, CrdSource, is_crd, registry_from_crds
from gitops_gen.validate.engine import Document, Options, validate_document
from gitops_gen.validate.findings import STALE, Checked, Finding, Report
from gitops_gen.validate.lines import field_lines
from gitops_gen.validate.paths import load_crd_dirs
from gitops_gen.validate.policy import promotion
from gitops_gen.validate.policy.config import compile_policy
from gitops_gen.validate.policy.context import PolicyContext
from gitops_gen.validate.policy.network import namespaces_in
from gitops_gen.validate.written import (
    app_paths_of,
    as_is_folders,
    committed_documents,
    committed_object,
    foreign_files,
    foreign_finding,
    read_written,
)
from gitops_gen.write import writer


def validate_repo(
    root: Path, envs: Sequence[str] = (), crd_dirs: Sequence[Path] = (), strict: bool = True,
    require_charts: bool = False,
) -> Report:
    """Validate what Argo CD will sync; CRDs come from ``crd_dirs`` and gitops.yaml's ``crdDirs``."""
    repo = load_repo(root)
    own = [root / d for d in repo.settings.crd_dirs]
    crds = (load_crd_dirs(crd_dirs, strict_fields=strict, repo=root, repo_dirs=own) if crd_dirs or own
            else CrdRegistry())
    rendering = render_repo(repo, envs, require_charts)
    out_dir = root / RENDERED_DIR
    the_plan = writer.plan(rendering, out_dir)
    tree = writer.current_tree(out_dir)  # after an interrupted render, the tree it kept aside
    written = read_written(tree, the_plan.stale)  # only files that differ: the others are the render's bytes
    findings = [*stale_files(rendering, the_plan), *crds.findings, *written.problems]
    committed = {p: read_input(tree / p) for p in the_plan.stale}  # regular files only: a pipe must not block
    lines = {f.path: _first_line(committed.get(f.path, f.content)) for f in rendering.files}
    texts = {**{f.path: f.content.decode("utf-8") for f in rendering.files}, **written.texts}
    on_disk = {f.path for f in rendering.files} - set(the_plan.missing) | set(the_plan.extra)
    rendered_files = frozenset(on_disk or {f.path for f in rendering.files})
    fleet_docs = fleet.committed_fleet(rendering, committed)
    rendering = fleet.expanded(rendering, fleet_docs)  # what Argo CD generates from the committed bytes
    disk = OnDisk(rendered_files, lines, texts, committed)
    checked, objects = check_rendering(repo, rendering, crds, strict=strict, disk=disk)
    findings.extend(checked)
    findings.extend(_fleet_documents(rendering, fleet_docs, crds, strict, lines, texts))
    findings.extend(fleet.ordering_findings(rendering, repo.settings.fleet.progressive_sync))
    foreign, foreign_bodies = _foreign(rendering, tree, the_plan, repo.settings.repo_url, strict, crds)
    findings.extend(foreign.findings)
    findings.extend(fleet.credential_findings([*_rendered_documents(rendering, committed), *foreign_bodies]))
    fleet_checked = tuple(Checked(f"{RENDERED_DIR}/{m.path}", m.ref) for m in fleet_docs)
    return Report(len(objects) + len(fleet_docs) + foreign.documents, tuple(findings),
                  (*objects, *fleet_checked, *foreign.objects), rendering.charts or None).sorted()


def _fleet_documents(rendering: Rendering, docs: Sequence[Manifest], crds: CrdRegistry, strict: bool,
                     lines: Mapping[str, int], texts: Mapping[str, str]) -> Iterator[Finding]:
    """The ApplicationSets and cluster Secrets (they live where Argo CD runs: the newest version judges)."""
    if not docs or not rendering.targets:
        return
    version = max((t.kubernetes_version for t in rendering.targets), key=lambda v: tuple(map(int, v.split("."))))
    options = Options(version, strict=strict, crds=crds, missing_schema=Severity.WARNING)
    for m in docs:
        doc = Document(m.body, f"{RENDERED_DIR}/{m.path}", lines.get(m.path, 0), m.origin, text=texts.get(m.path, ""))
        yield from validate_document(doc, options)


def _rendered_documents(rendering: Rendering, committed: Mapping[str, bytes]) -> Iterator[tuple[str, Any]]:
    """(path, document) of every file in rendered/: the committed bytes where they differ."""
    for f in rendering.files:
        if f.path in committed:
            yield from ((f.path, d) for d in committed_documents(committed[f.path]))
        else:
            yield from ((f.path, m.body) for m in f.manifests)


@dataclass(frozen=True)
class OnDisk:
    """What the committed rendered/ holds, where it differs from the render being checked."""

    files: frozenset[str]  # every path under rendered/ (for Applications' paths)
    lines: Mapping[str, int]  # path -> line of its first document
    texts: Mapping[str, str]  # path -> text (for the line of a failing field)
    committed: Mapping[str, bytes] = field(default_factory=dict)  # stale paths -> the bytes on disk


@dataclass(frozen=True)
class Scope:
    """Which part of a render to check (default: all of it)."""

    clusters: Collection[str] | None = None
    document: Callable[[str, Manifest], bool] | None = None  # which objects get the per-document checks
    related: Callable[[str, Manifest], bool] | None = None  # which take part in the cluster-wide ones
    references: bool = True  # False: the policy rules alone (the evidence report's posture)


def in_memory(rendering: Rendering) -> OnDisk:
    """A render checked as if it were what rendered/ holds."""
    return OnDisk(frozenset(f.path for f in rendering.files),
                  {f.path: _first_line(f.content) for f in rendering.files},
                  {f.path: f.content.decode("utf-8") for f in rendering.files})


def check_rendering(repo: Repo, rendering: Rendering, crds: CrdRegistry, *, strict: bool = True,
                    disk: OnDisk | None = None, scope: Scope = Scope()) -> tuple[list[Finding], tuple[Checked, ...]]:
    """Validate a render: (findings, the objects validated); per-document checks, policy and references."""
    findings: list[Finding] = []
    config = compile_policy(repo.settings.policy)
    crds = with_deployed_crds(crds, rendering, strict)
    disk = disk or in_memory(rendering)
    stale, committed, lines, texts = set(disk.committed), disk.committed, disk.lines, disk.texts
    clusters, document, related = scope.clusters, scope.document, scope.related
    rendered_files = disk.files
    validated: set[tuple[str, ObjectRef, int, str]] = set()
    provenance = Provenance(repo)
    known_namespaces = frozenset(namespaces_in(m for objects in rendering.desired.values() for m in objects))
    for target in rendering.targets:
        if clusters is not None and target.cluster not in clusters:
            continue
        objects = with_committed(list(rendering.desired.get(target.cluster, ())), stale, committed)
        options = Options(
            target.kubernetes_version,
            strict=strict,
            crds=crds,
            missing_schema=Severity.WARNING,
        )
        for m in objects:
            key = (m.path, m.ref, id(m.body), target.kubernetes_version)
            if key in validated:  # a base object is the same in every cluster of a version
                continue
            if document is not None and not document(target.cluster, m):
                continue
            validated.add(key)
            doc = Document(
                m.body,
                f"{RENDERED_DIR}/{m.path}" if m.path else m.template,
                lines.get(m.path, 0),
                m.origin,
                text=texts.get(m.path, ""),
                field_sources=m.field_origins,
            )
            findings.extend(sharpened(validate_document(doc, options), provenance, target.cluster, {m.ref: m}))
        context = PolicyContext(
            env=target.env,
            production=target.production,
            kubernetes_version=target.kubernetes_version,
            cluster=target.cluster,
            argocd_namespace=repo.settings.argocd_namespace,
            repo_url=repo.settings.repo_url,
            rendered_files=rendered_files,
            rendered_root=RENDERED_DIR,
            known_namespaces=known_namespaces,
            **upstream_of(repo, target.env, target.cluster),
        )
        if related is not None:
            objects = [m for m in objects if related(target.cluster, m)]
        raw = [*policy.evaluate(objects, context, config),
               *(references.check(objects, context, owners.owned(objects, repo.settings.repo_url))
                 if scope.references else ())]
        by_ref = {m.ref: m for m in objects}
        checked = policy.apply_config(raw, config, context)
        findings.extend(_in_rendered(f, lines, texts) for f in sharpened(checked, provenance, target.cluster, by_ref))
    findings.extend(policy.exception_findings(config, clock.today()))  # about gitops.yaml: once, not per cluster
    checked_objects = {Checked(f"{RENDERED_DIR}/{path}" if path else "", ref) for path, ref, _, _ in validated}
    return findings, tuple(sorted(checked_objects))


def with_deployed_crds(crds: CrdRegistry, rendering: Rendering, strict: bool = True) -> CrdRegistry:
    """The CRDs the repository deploys (plain-manifest add-ons, charts) are known schemas too: a kind the
    repository itself deploys is validated, not a missing schema.  ``crdDirs`` win for a kind both have."""
    deployed = {m.ref: CrdSource(m.body, m.template or m.path) for objects in rendering.desired.values()
                for m in objects if is_crd(m.body)}
    if not deployed:
        return crds
    own = registry_from_crds(deployed.values(), strict_fields=strict)
    return CrdRegistry({**own.kinds, **crds.kinds}, crds.findings + own.findings)


def sharpened(findings: Iterable[Finding], provenance: Provenance, cluster: str,
              objects: Mapping[ObjectRef, Manifest]) -> list[Finding]:
    """Findings on a field a blueprint wrote point at the line that wrote it (the layer that won), not only
    at the blueprint entity the object came from."""
    out = []
    for f in findings:
        m = objects.get(f.ref) if f.ref is not None and f.path else None
        chain = chain_of(provenance, cluster, m.body, f.path) if m is not None else None
        out.append(dataclasses.replace(f, source=chain.winner.location) if chain is not None else f)
    return out


def _foreign(
    rendering: Rendering, out_dir: Path, the_plan: writer.Plan, repo_url: str, strict: bool, crds: CrdRegistry
) -> tuple[Report, list[tuple[str, Any]]]:
    """A finding for every file nobody rendered in a folder Argo CD applies as-is, its validation, and its
    documents (path relative to rendered/, body)."""
    app_paths = {
        cluster: [
            entry
            for m in objects
            if m.ref.kind == "Application"
            for entry in app_paths_of(m.body, list(owners.rendered_paths(m.body, repo_url)))
        ]
        for cluster, objects in rendering.desired.items()
    }
    folders = as_is_folders(out_dir, rendering.targets, app_paths)
    produced = {f.path for f in rendering.files}
    foreign = list(foreign_files(out_dir, folders, produced, set(the_plan.extra)))
    written = read_written(out_dir, (rel for rel, _ in foreign))
    findings: list[Finding] = list(written.problems)
    objects: list[Checked] = []
    bodies: list[tuple[str, Any]] = []
    for rel, target in foreign:
        findings.append(foreign_finding(rel, target))
        options = Options(target.kubernetes_version, strict=strict, crds=crds, missing_schema=Severity.WARNING)
        for doc in written.documents.get(rel, ()):
            if doc.body is not None:
                objects.append(Checked(doc.file, ref_of(doc.body) if isinstance(doc.body, Mapping) else
                                       ObjectRef("", "", "", "")))
                findings.extend(validate_document(doc, options))
                bodies.append((rel, doc.body))
    return Report(len(objects), tuple(findings), tuple(objects)), bodies


def upstream_of(repo: Repo, env: str, cluster: str = "") -> dict[str, Any]:
    """The promotion facts of a cluster's context (GG112): its promotesFrom, what that runs, and where the
    cluster's own versions were written (the finding points at the line that pins it)."""
    source = repo.environments[env].promotes_from if env in repo.environments else None
    if not source:
        return {}
    plan = next((p for p in repo.plans if p.cluster.name == cluster), None)
    return {"promotes_from": source, "upstream_revisions": promotion.upstream_revisions(repo.plans, source),
            "revision_origins": promotion.revision_origins(plan) if plan else {}}


def stale_files(rendering: Rendering, the_plan: writer.Plan) -> Iterator[Finding]:
    origins = {f.path: f.origin for f in rendering.files}
    for path in the_plan.missing:
        yield _stale(path, "missing from rendered/: run `gitops-gen render`", origins.get(path))
    for path in the_plan.stale:
        yield _stale(
            path, "differs from what the blueprints render: run `gitops-gen render`", origins.get(path)
        )
    for path in the_plan.extra:
        yield _stale(path, "no longer rendered by any blueprint: run `gitops-gen render` to remove it", None)
    for path, reason in the_plan.blocked:
        yield _stale(path, f"{RENDERED_DIR}/{reason}: gitops-gen will not replace it; move it out of "
                     f"{RENDERED_DIR}/", origins.get(path))


def _stale(path: str, message: str, origin: Location | None) -> Finding:
    return Finding(STALE, Severity.ERROR, None, message, file=f"{RENDERED_DIR}/{path}", source=origin)


def with_committed(
    objects: Sequence[Manifest], stale: set[str], committed: Mapping[str, bytes]
) -> list[Manifest]:
    """``objects`` with each one held by a stale single-object file replaced by its committed version."""
    if not stale:
        return list(objects)
    out: list[Manifest] = []
    for m in objects:
        body = _committed_body(m, stale, committed)
        out.append(m if body is None else dataclasses.replace(m, body=body))
    return out


def _committed_body(m: Manifest, stale: set[str], committed: Mapping[str, bytes]) -> Any:
    if m.path not in stale or m.path not in committed or m.path.endswith("kustomization.yaml"):
        return None
    body = committed_object(committed[m.path])
    if body is None or body.get("kind") != m.ref.kind:
        return None  # an Application generated from an ApplicationSet file is not that file's object
    return body


def _first_line(content: bytes) -> int:
    for index, line in enumerate(content.split(b"\n"), start=1):
        text = line.strip()
        if text and not text.startswith(b"#") and text != b"---":
            return index
    return 1


def _in_rendered(finding: Finding, lines: Mapping[str, int], texts: Mapping[str, str]) -> Finding:
    """Policy and reference findings name files relative to rendered/: make them repo-relative, at the
    line of their field when they name one (the file's text is parsed again only for such findings)."""
    if finding.file not in lines:
        return finding
    line = finding.line or lines[finding.file]
    if finding.path and not finding.line and finding.file in texts:
        line = field_lines(texts[finding.file], 1, (), [finding.path]).get(finding.path, line)
    return dataclasses.replace(finding, file=f"{RENDERED_DIR}/{finding.file}", line=line)
