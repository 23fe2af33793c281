"""Load a GitOps repository: files -> checked blueprint documents -> typed model.

All problems of a run are collected and raised together as ``InputErrors``,
sorted by file and line, so a broken pull request is fixed in one round.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from gitops_gen.base import notices
from gitops_gen.base.errors import InputError, InputErrors, Location
from gitops_gen.base.inputs import MAX_BLUEPRINT_BYTES, read_text
from gitops_gen.base.kinds import crd_scope
from gitops_gen.blueprint import construct
from gitops_gen.blueprint import v1 as bp
from gitops_gen.blueprint.model import Repo, Settings
from gitops_gen.blueprint.resolve import Blueprints, Document, resolve
from gitops_gen.blueprint.spec import Errors, did_you_mean, key_text, shown, type_name
from gitops_gen.yamlio.reader import LocDict, load_plain, load_positioned, to_json

SETTINGS_FILE = "gitops.yaml"
FOLDERS = {"AddonStack": "blueprints/addons", "Tenant": "blueprints/tenants", "Environment": "environments"}
MAX_FILE_BYTES = MAX_BLUEPRINT_BYTES


def find_repo_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds gitops.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise InputError(f"no {SETTINGS_FILE} found in {start} or any parent folder (use --repo DIR)")


def blueprint_files(root: Path) -> list[tuple[str, Path]]:
    """(kind, path) of every blueprint file, subfolders included (teams often group tenants), sorted."""
    found: list[tuple[str, Path]] = []
    for kind, folder in FOLDERS.items():
        base = root / folder
        if base.is_dir():
            found.extend((kind, p) for p in sorted(base.rglob("*"))
                         if p.suffix in (".yaml", ".yml") and not p.is_dir()
                         and not any(part.startswith(".") for part in p.relative_to(base).parts))
    return found


def read_document(root: Path, path: Path, errors: Errors) -> LocDict | None:
    """Read one blueprint file: UTF-8 text, exactly one YAML mapping."""
    rel = path.relative_to(root).as_posix()
    try:
        text = read_text(path, rel, MAX_FILE_BYTES, root=root)
    except InputError as err:
        errors.append(err)
        return None
    return parse_document(text, rel, errors)


def parse_document(text: str, rel: str, errors: Errors) -> LocDict | None:
    """One blueprint file's text: exactly one YAML mapping (``rel``: its path, for locations)."""
    top = Location(rel, 1, 1)
    try:
        docs = [d for d in load_positioned(text, rel) if d is not None]
    except InputError as err:
        errors.append(err)
        return None
    if not docs:
        errors.append(InputError("file is empty: expected one blueprint document", top))
        return None
    if len(docs) > 1:
        second = docs[1].loc if isinstance(docs[1], LocDict) else top
        errors.append(InputError(f"expected one YAML document, found {len(docs)}", second))
        return None
    doc = docs[0]
    if not isinstance(doc, LocDict):
        errors.append(InputError(f"expected a mapping at the top of the file, got {type_name(doc)}", top))
        return None
    return doc


def check_header(doc: LocDict, kind: str, errors: Errors, needs_name: bool = True) -> str | None:
    """apiVersion, kind, metadata.name; returns the name ("" for Settings) or None on error."""
    before = len(errors)
    for key in doc:
        if key not in ("apiVersion", "kind", "metadata", "spec"):
            hint = did_you_mean(key, ("apiVersion", "kind", "metadata", "spec"))
            errors.append(InputError(f"{key_text(key)}: unknown field{hint}", doc.key_loc(key)))
    if doc.get("apiVersion") != bp.API_VERSION:
        errors.append(InputError(f"apiVersion: expected {bp.API_VERSION!r}, got {shown(doc.get('apiVersion'))}",
                                 doc.value_loc("apiVersion") if "apiVersion" in doc else doc.loc))
    if doc.get("kind") != kind:
        got = doc.get("kind")
        hint = f" ({got} blueprints belong in {FOLDERS[got]}/)" if isinstance(got, str) and got in FOLDERS else ""
        errors.append(InputError(f"kind: expected {kind!r} here, got {shown(got)}{hint}",
                                 doc.value_loc("kind") if "kind" in doc else doc.loc))
    if "spec" not in doc:
        errors.append(InputError("spec: required field is missing", doc.loc))
    if not needs_name:
        if "metadata" in doc:
            bp.settings_metadata_spec.check(doc["metadata"], doc.value_loc("metadata"), "metadata", errors)
        return "" if len(errors) == before else None
    if "metadata" not in doc:
        errors.append(InputError("metadata: required field is missing", doc.loc))
        return None
    meta = bp.metadata_spec.check(doc.get("metadata"), doc.value_loc("metadata"), "metadata", errors)
    if len(errors) > before or meta is None:
        return None
    return str(meta["name"])


def check_document(doc: Any, kind: str, errors: Errors) -> LocDict | None:
    """Every check of one document that needs no other file: header, metadata and spec (its shape)."""
    if not isinstance(doc, LocDict):
        errors.append(InputError(f"expected a mapping at the top of the file, got {type_name(doc)}", Location("")))
        return None
    if check_header(doc, kind, errors, needs_name=kind != "Settings") is None or doc.get("kind") != kind:
        return None
    spec = bp.SPEC_OF_KIND[kind].check(doc.get("spec"), doc.value_loc("spec"), "spec", errors)
    return spec if isinstance(spec, LocDict) else None


def checked_spec(kind: str, rel: str, text: str) -> tuple[str, Any, dict[str, str]] | None:
    """A blueprint file's name, its checked spec as plain data and its metadata.labels; None when the file
    has any error of its own (what a look back through history uses: no file system, no cross-file check)."""
    errors: Errors = []
    doc = parse_document(text, rel, errors)
    if doc is None:
        return None
    name = check_header(doc, kind, errors, needs_name=kind != "Settings")
    spec = bp.SPEC_OF_KIND[kind].check(doc.get("spec"), doc.value_loc("spec"), "spec", errors) \
        if name is not None and doc.get("kind") == kind else None
    if errors or spec is None or name is None:
        return None
    labels = (doc.get("metadata") or {}).get("labels") or {}
    return name, to_json(spec), {str(k): str(v) for k, v in labels.items()}


def load_repo(root: Path) -> Repo:
    """Load and check every blueprint under ``root``; raise InputErrors listing every problem.

    Warnings go to the one channel (``base.notices``) and stay in ``Repo.warnings``."""
    errors: Errors = []
    blueprints, broken = load_blueprints(root, errors)
    repo = resolve(blueprints, errors, broken) if blueprints is not None else None
    if errors or repo is None:
        raise InputErrors(_unique(errors))
    if repo.settings.crd_dirs:
        repo = dataclasses.replace(repo, crd_scopes=crd_scopes(repo.root, repo.settings.crd_dirs))
    for warning in sorted(repo.warnings, key=lambda w: (w.location, w.message)):
        notices.warn(warning.message, warning.location)
    return repo


CRD_SUFFIXES = (".yaml", ".yml", ".json")


def crd_scopes(root: Path, dirs: tuple[str, ...]) -> dict[tuple[str, str], bool]:
    """The scope of every custom kind a CRD under ``crdDirs`` defines (render leaves cluster-scoped ones
    without a namespace).  Unreadable files are skipped here: ``validate`` reports them, located."""
    out: dict[tuple[str, str], bool] = {}
    for folder in (root / d for d in dirs):
        if not folder.is_dir():
            continue
        for file in sorted(p for p in folder.rglob("*") if p.suffix in CRD_SUFFIXES and p.is_file()):
            try:
                docs = load_plain(read_text(file), str(file))
            except InputError:
                continue
            for doc in docs:
                items = doc.get("items") if isinstance(doc, dict) and doc.get("kind") == "List" else [doc]
                for item in items if isinstance(items, list) else ():
                    found = crd_scope(item)
                    if found is not None:
                        out[found[0]] = found[1]
    return out


def load_blueprints(root: Path, errors: Errors) -> tuple[Blueprints | None, frozenset[tuple[str, str]]]:
    """Read and check every file on its own (what ``resolve`` then checks across files).

    None when a file failed before its kind and name were known: cross-file checks would only guess."""
    root = root.resolve()
    settings = _load_settings(root, errors)
    seen: dict[tuple[str, str], Location] = {}
    docs: dict[str, dict[str, Document]] = {kind: {} for kind in FOLDERS}
    broken: set[tuple[str, str]] = set()  # blueprints with errors of their own, known by name
    blind = False
    for kind, path in blueprint_files(root):
        doc = read_document(root, path, errors)
        if doc is None:
            blind = True
            continue
        name = check_header(doc, kind, errors)
        if doc.get("kind") != kind or "spec" not in doc or name is None:
            blind = blind or name is None or doc.get("kind") != kind
            broken.update([(kind, name)] if name else [])
            continue  # reported; checking the spec against another kind's fields would only add noise
        spec = bp.SPEC_OF_KIND[kind].check(doc.get("spec"), doc.value_loc("spec"), "spec", errors)
        if spec is None:
            broken.add((kind, name))
            continue
        origin = doc["metadata"].value_loc("name")
        if (kind, name) in seen:
            errors.append(InputError(f"{kind} {name!r} is already defined at {seen[kind, name]}", origin))
            continue
        seen[kind, name] = origin
        docs[kind][name] = Document(spec, origin, dict(doc["metadata"].get("labels") or {}))
    if settings is None or blind:
        return None, frozenset(broken)
    return Blueprints(root, settings, docs["AddonStack"], docs["Tenant"], docs["Environment"]), frozenset(broken)


def _unique(errors: Errors) -> Errors:
    """Checks repeated per environment or cluster may find one problem several times: report it once."""
    return list({(e.location, e.message): e for e in errors}.values())


def _load_settings(root: Path, errors: Errors) -> Settings | None:
    path = root / SETTINGS_FILE
    if not path.is_file():
        errors.append(InputError(f"{SETTINGS_FILE} is missing", Location(SETTINGS_FILE)))
        return None
    doc = read_document(root, path, errors)
    if doc is None:
        return None
    if check_header(doc, "Settings", errors, needs_name=False) is None:
        return None
    spec = bp.settings_spec.check(doc.get("spec"), doc.value_loc("spec"), "spec", errors)
    if spec is None:
        return None
    return construct.make_settings(spec, doc.loc)
