"""`gitops-gen init`: a new repository on the golden path, rendered once, ready to commit.

The files are templates in ``gitops_gen/data/scaffold`` (a leading ``dot-`` in a name stands for
``.``, so packaging never drops them as hidden files) plus the JSON Schemas of the blueprint kinds,
written into the new repository so the editor hints in each blueprint work offline.

Nothing is ever overwritten: when any file the scaffold would write exists already, nothing at all is
written (a half-made repository is worse than none) and the error names every such file.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path

from gitops_gen import __version__
from gitops_gen.base.errors import InputError, show
from gitops_gen.blueprint.jsonschema import SCHEMA_KINDS, json_schema
from gitops_gen.blueprint.load import FOLDERS, SETTINGS_FILE
from gitops_gen.blueprint.v1 import REPO_URL
from gitops_gen.render.common import RENDERED_DIR
from gitops_gen.write.build import build

PLACEHOLDER_URL = "https://github.com/example-org/platform-gitops.git"
VERSION_TOKEN = "@GITOPS_GEN_VERSION@"
INSTALL_TOKEN = "@GITOPS_GEN_INSTALL@"  # the pip requirement CI and pre-commit install gitops-gen from
# Written between quotes in YAML and shell: these characters could break out of them.
_UNSAFE_IN_SPEC = re.compile(r"[\s\"'`$\\]")
SCHEMA_DIR = ".schemas"
EDITOR_SETTINGS = ".vscode/settings.json"
SETTINGS_FILE_KIND = "Settings"


@dataclass(frozen=True)
class Created:
    root: Path
    files: tuple[str, ...]  # repo-relative, sorted; rendered/ not included
    rendered: int  # files the first render wrote


def installed_from() -> str | None:
    """The pip requirement that installed this gitops-gen, when CI can install the same from it: the Git
    commit or archive URL pip recorded (PEP 610 ``direct_url.json``).  None for an index install (the index
    name then works) and for a local folder or file, which CI cannot reach."""
    try:
        raw = metadata.distribution("gitops-gen").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return None
    url = str(data.get("url") or "")
    if not url or url.startswith("file:"):
        return None
    vcs = data.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"git+{url}@{vcs['commit_id']}"
    return url if "archive_info" in data else None


def install_spec(given: str | None = None) -> str:
    """What the new repository's CI installs gitops-gen from: ``--install``, else where this copy came from,
    else this version's name on the package index."""
    spec = given if given is not None else installed_from() or f"gitops-gen=={__version__}"
    if not spec or _UNSAFE_IN_SPEC.search(spec.replace(" @ ", "@")):
        raise InputError(f"--install: {show(spec)} is not one pip requirement without quotes, spaces or $ "
                         "(an index name like gitops-gen==1.2.0, git+https://host/org/gitops-gen@v1.2.0, or a wheel)")
    return spec


def scaffold_files(repo_url: str | None = None, install: str | None = None) -> dict[str, str]:
    """Repo-relative path -> content of every file ``init`` writes (before the first render)."""
    if repo_url is not None and not REPO_URL.fullmatch(repo_url):
        raise InputError(f"--repo-url: {repo_url!r} is not a git repository URL (https://, ssh:// or git@host:path)")
    spec = install_spec(install)
    out: dict[str, str] = {}
    for rel, template in _templates(resources.files("gitops_gen") / "data" / "scaffold", ()):
        text = template.read_text(encoding="utf-8").replace(VERSION_TOKEN, __version__).replace(INSTALL_TOKEN, spec)
        out[rel] = text.replace(PLACEHOLDER_URL, repo_url) if repo_url else text
    for kind in SCHEMA_KINDS:
        out[f"{SCHEMA_DIR}/{kind.lower()}.json"] = json.dumps(json_schema(kind), indent=2) + "\n"
    out[EDITOR_SETTINGS] = json.dumps(editor_settings(), indent=2) + "\n"
    return dict(sorted(out.items()))


def editor_settings() -> dict[str, object]:
    """yaml-language-server settings (VS Code's YAML extension reads them from .vscode/settings.json): each
    kind's schema mapped to the globs of the folders the loader reads it from, subfolders included, so a
    blueprint moved into a team folder keeps its schema (a relative ``$schema`` modeline would break).  The
    files are YAML 1.1, as kubectl and gitops-gen read them (``on``/``no`` are booleans)."""
    globs = {SETTINGS_FILE_KIND: [SETTINGS_FILE]}
    globs.update({kind: [f"{folder}/**/*.yaml", f"{folder}/**/*.yml"] for kind, folder in FOLDERS.items()})
    return {"yaml.yamlVersion": "1.1",
            "yaml.schemas": {f"./{SCHEMA_DIR}/{kind.lower()}.json": patterns for kind, patterns in globs.items()}}


def _templates(folder: Traversable, parts: tuple[str, ...]) -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = "." + entry.name.removeprefix("dot-") if entry.name.startswith("dot-") else entry.name
        if entry.is_dir():
            yield from _templates(entry, (*parts, name))
        elif not name.endswith((".pyc", "~")):
            yield "/".join((*parts, name)), entry


def conflicts(root: Path, files: dict[str, str]) -> list[str]:
    """Every path ``init`` would have to overwrite (or write through a file where a folder must be)."""
    found: set[str] = set()
    for rel in [*files, f"{RENDERED_DIR}/"]:
        path = root / rel
        empty_folder = rel.endswith("/") and path.is_dir() and not any(path.iterdir())
        if (path.exists() or path.is_symlink()) and not empty_folder:
            found.add(rel)
        for parent in Path(rel).parents:
            holder = root / parent
            if str(parent) != "." and (holder.is_file() or holder.is_symlink()):
                found.add(parent.as_posix())
    return sorted(found)


def init(root: Path, repo_url: str | None = None, install: str | None = None) -> Created:
    """Write a new repository into ``root`` (created if needed) and render it once."""
    root = root.absolute()
    if root.exists() and not root.is_dir():
        raise InputError(f"{root} exists and is not a folder")
    files = scaffold_files(repo_url, install)
    taken = conflicts(root, files)
    if SETTINGS_FILE in taken:
        raise InputError(f"{root} already holds a gitops-gen repository ({SETTINGS_FILE}): init wrote nothing")
    if taken:
        shown = ", ".join(taken[:6]) + (f" and {len(taken) - 6} more" if len(taken) > 6 else "")
        raise InputError(f"{root}: init would overwrite {shown}; it wrote nothing "
                         "(run it in an empty folder, or move these away)")
    made: list[Path] = []  # files and folders this run created, removed again if it fails
    try:
        for rel, text in files.items():
            path = root / rel
            for folder in reversed([root, *path.parents]):
                if not folder.exists():
                    folder.mkdir()
                    made.append(folder)
            path.write_text(text, encoding="utf-8")
            made.append(path)
        count = _first_render(root)
    except BaseException:
        for path in reversed(made):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        shutil.rmtree(root / RENDERED_DIR, ignore_errors=True)
        raise
    return Created(root, tuple(files), count)


def _first_render(root: Path) -> int:
    if not (root / SETTINGS_FILE).is_file():  # load it, never a repository above it
        raise InputError(f"{root / SETTINGS_FILE} vanished while init wrote the repository; nothing was kept")
    return build(root, use_cache=False, record=False).written
