"""Review a change: read both revisions, render each in memory, compare per cluster, judge the risks.

The state of a revision is **the render of its blueprints** by this gitops-gen,
not its committed ``rendered/`` (docs/adr/0006-diff-compares-renders.md): the
question a review answers is what the change to the blueprints does.  When a
revision's committed ``rendered/`` differs from its render (stale: Argo CD syncs
the committed files), the report says so in a warning.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from pathlib import Path

from gitops_gen.base.errors import InputError, InputErrors, Location
from gitops_gen.base.inputs import MAX_BLUEPRINT_BYTES, MAX_INPUT_BYTES, read_input
from gitops_gen.blueprint.load import FOLDERS, SETTINGS_FILE, load_repo
from gitops_gen.blueprint.model import Repo
from gitops_gen.blueprint.provenance import Provenance
from gitops_gen.charts.build import render_repo
from gitops_gen.charts.lock import LOCK_FILE
from gitops_gen.diff.clusters import Side, compare_cluster, pairs
from gitops_gen.diff.findings import Validated, compare_findings
from gitops_gen.diff.model import WORKTREE, ChangeReport
from gitops_gen.diff.risks import assess
from gitops_gen.diff.sources import Sourced, with_sources
from gitops_gen.render import Rendering
from gitops_gen.render.common import RENDERED_DIR
from gitops_gen.tools import gitrev
from gitops_gen.validate.crds import CrdRegistry
from gitops_gen.validate.paths import crd_files, load_crd_dirs
from gitops_gen.write import writer

INPUTS = (SETTINGS_FILE, LOCK_FILE, *FOLDERS.values())


def review(root: Path, base: str | None = None, head: str | None = None,
           envs: Sequence[str] = (), clusters: Sequence[str] = (), require_charts: bool = False) -> ChangeReport:
    """Compare ``base`` (default: merge-base of the head -- HEAD for the work tree -- and the default branch)
    with ``head`` (default: the work tree, uncommitted edits included) for ``envs`` / ``clusters``."""
    warnings: list[str] = []
    with gitrev.open_checkout(root) as checkout, tempfile.TemporaryDirectory(prefix="gitops-gen-diff-") as tmp:
        head_rev = checkout.resolve(head) if head else None
        base_rev = (checkout.resolve(base) if base
                    else checkout.merge_base(checkout.default_branch(), head_rev.sha if head_rev else "HEAD"))
        old = _at_revision(checkout, base_rev, Path(tmp) / "base", envs, warnings, require_charts)
        new = (_at_revision(checkout, head_rev, Path(tmp) / "head", envs, warnings, require_charts) if head_rev
               else _in_worktree(root, envs, warnings, require_charts))
    _check_filters(old, new, envs, clusters)
    changed = list(pairs(old.side, new.side, clusters))
    base_side = Sourced(Provenance(old.repo) if old.repo else None, f"{base_rev.short}:")
    head_side = Sourced(Provenance(new.repo) if new.repo else None, f"{head_rev.short}:" if head_rev else "")
    changes = tuple(with_sources(compare_cluster(p), p, base_side, head_side) for p in changed)
    risks = tuple(r for p, c in zip(changed, changes, strict=True) for r in assess(p, c))
    introduced, resolved = compare_findings(old, new, changed)
    return ChangeReport(base_rev.sha, head_rev.sha if head_rev else WORKTREE, changes, risks,
                        introduced, resolved, tuple(warnings))


def _empty(repo_url: str = "") -> Validated:
    return Validated(Side(Rendering((), (), {}), repo_url), None, CrdRegistry(), "")


def _render(repo: Repo, envs: Sequence[str], require_charts: bool = False) -> Rendering:
    known = [e for e in envs if e in repo.environments]
    if envs and not known:
        return Rendering((), (), {})
    return render_repo(repo, known, require_charts)


def _side(repo: Repo, root: Path, envs: Sequence[str], require_charts: bool = False) -> tuple[Validated, Rendering]:
    dirs = [root / d for d in repo.settings.crd_dirs]
    present = [d for d in dirs if d.is_dir() or d.is_symlink()]
    crds = load_crd_dirs((), repo=root, repo_dirs=present) if dirs else CrdRegistry()
    digest = hashlib.sha256()
    for path in crd_files(present, root):  # the same files, read the same guarded way
        rel = path.relative_to(root).as_posix()
        digest.update(rel.encode() + b"\0" + read_input(path, rel, root=root))
    rendering = _render(repo, envs, require_charts)
    return Validated(Side(rendering, repo.settings.repo_url), repo, crds, digest.hexdigest()), rendering


def _at_revision(checkout: gitrev.Checkout, rev: gitrev.Revision, folder: Path, envs: Sequence[str],
                 warnings: list[str], require_charts: bool = False) -> Validated:
    folder.mkdir()
    if not checkout.has(rev, SETTINGS_FILE):
        warnings.append(f"{rev.name} ({rev.short}) has no {SETTINGS_FILE}: nothing is deployed from it")
        return _empty()
    try:
        checkout.materialise(rev, INPUTS, folder, MAX_BLUEPRINT_BYTES)
        repo = load_repo(folder)
        checkout.materialise(rev, repo.settings.crd_dirs, folder, MAX_INPUT_BYTES)
        validated, rendering = _side(repo, folder, envs, require_charts)
    except InputErrors as err:
        raise InputErrors([_at(rev, e) for e in err.errors]) from None
    except InputError as err:
        raise _at(rev, err) from None
    committed = checkout.blob_ids(rev, RENDERED_DIR)
    stale = [f.path for f in rendering.files if committed.get(f.path) != gitrev.blob_id(f.content)]
    if stale:
        warnings.append(_stale_warning(f"{rev.name} ({rev.short})", stale))
    return validated


def _in_worktree(root: Path, envs: Sequence[str], warnings: list[str], require_charts: bool = False) -> Validated:
    validated, rendering = _side(load_repo(root), root, envs, require_charts)
    the_plan = writer.plan(rendering, root / RENDERED_DIR)
    stale = [*the_plan.missing, *the_plan.stale]
    if stale:
        warnings.append(_stale_warning("the work tree", stale))
    return validated


def _stale_warning(where: str, paths: Sequence[str]) -> str:
    return (f"{where}: committed {RENDERED_DIR}/ differs from its render in {len(paths)} file(s) "
            f"(first: {RENDERED_DIR}/{sorted(paths)[0]}); Argo CD syncs the committed files, this review "
            "compares renders: run `gitops-gen render` and commit")


def _at(rev: gitrev.Revision, err: InputError) -> InputError:
    """An error in a revision's blueprints, located as ``<rev>:<file>:line:col`` (git's own notation)."""
    loc = err.location
    if loc and loc.file.startswith(f"{rev.short}:"):
        return err
    where = Location(f"{rev.short}:{loc.file}", loc.line, loc.col) if loc else Location(f"{rev.name} ({rev.short})")
    return InputError(err.message, where)


def _check_filters(old: Validated, new: Validated, envs: Sequence[str], clusters: Sequence[str]) -> None:
    known_envs = {t.env for v in (old, new) for t in v.side.rendering.targets}
    all_envs = {e for v in (old, new) if v.repo for e in v.repo.environments}
    for env in envs:
        if env not in all_envs:
            raise InputError(f"--env {env}: no such environment at either revision "
                             f"(known: {', '.join(sorted(all_envs)) or 'none'})")
    known = {t.cluster for v in (old, new) for t in v.side.rendering.targets}
    for cluster in clusters:
        if cluster not in known:
            raise InputError(f"--cluster {cluster}: no such cluster at either revision"
                             + (f" in {', '.join(sorted(known_envs))}" if envs else ""))
