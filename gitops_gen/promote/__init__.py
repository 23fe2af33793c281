"""`gitops-gen promote`: plan a promotion, edit the target environment's blueprint in place, show the diff.

The plan is pure (``promote.plan``); this module reads and writes the one blueprint it edits.  Every byte
outside the edited lines is written back as read (``roundtrip.transplant``); a symlinked blueprint is
edited where it really is (inside the repository) and stays a link; the file keeps its mode; a read-only
file, or one saved by someone else between promote's read and its write, is refused, not replaced.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gitops_gen.base.errors import InputError, Location
from gitops_gen.base.inputs import MAX_BLUEPRINT_BYTES, decode, read_input, read_text
from gitops_gen.blueprint.load import load_repo
from gitops_gen.blueprint.model import Environment
from gitops_gen.promote.plan import Change, Overrides, Promotion, plan
from gitops_gen.yamlio import roundtrip
from gitops_gen.yamlio.reader import load_positioned

__all__ = ["Change", "Overrides", "Promotion", "Result", "edits", "overrides_reader", "plan", "promote"]

OVERRIDES = ("spec", "overrides", "addons")


@dataclass(frozen=True)
class Result:
    promotion: Promotion
    diff: str  # unified diff of the target blueprint; "" when nothing changes
    written: bool


def edits(promotion: Promotion) -> list[roundtrip.Edit]:
    """The blueprint edits of a promotion: paths in the target Environment's ``spec.overrides``."""
    return [roundtrip.Edit((*OVERRIDES, c.addon, *c.path), c.new, remove=c.remove, keep=1)
            for c in promotion.changes]


def overrides_reader(root: Path) -> Callable[[Environment], Overrides]:
    """Reads an environment's overrides from its blueprint, as written (the loader checked it already),
    with the loader's own reader: YAML 1.1 as kubectl and the loader read it (``enabled: no`` is false)."""
    def read(env: Environment) -> Overrides:
        docs = [d for d in load_positioned(_read(root, env.origin.file), env.origin.file) if d is not None]
        spec = docs[0].get("spec") if docs and isinstance(docs[0], Mapping) else None
        return Overrides.of(spec if isinstance(spec, Mapping) else {})
    return read


def promote(root: Path, target: str, source: str | None = None, addons: Sequence[str] = (),
            dry_run: bool = False) -> Result:
    promotion = plan(load_repo(root), target, source, addons, read=overrides_reader(root))
    if not promotion.changes:
        return Result(promotion, "", False)
    path = root / promotion.file
    raw = read_input(path, promotion.file, MAX_BLUEPRINT_BYTES, root=root)
    text = decode(raw, promotion.file)
    edited = roundtrip.apply_edits(text, edits(promotion), promotion.file)
    diff = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in difflib.unified_diff(text.splitlines(keepends=True), edited.splitlines(keepends=True),
                                                    f"a/{promotion.file}", f"b/{promotion.file}"))
    if dry_run or edited == text:
        return Result(promotion, diff, False)
    _write(root, promotion.file, raw, edited)
    return Result(promotion, diff, True)


def _read(root: Path, file: str) -> str:
    return read_text(root / file, file, MAX_BLUEPRINT_BYTES, root=root)


def _write(root: Path, file: str, read: bytes, text: str) -> None:
    """Replace the blueprint atomically (a crash leaves the old or the new one, never half of one)."""
    where = Location(file, 1, 1)
    path = Path(os.path.realpath(root / file))  # a symlink stays one: the file it points at is edited
    mode = path.stat().st_mode & 0o7777
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise InputError("the blueprint is read-only: not replaced (make it writable, or edit it by hand)", where)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
        os.chmod(tmp, mode)
        if read_input(path, file, MAX_BLUEPRINT_BYTES, root=root) != read:
            raise InputError("the blueprint changed since promote read it (saved in an editor?): nothing written; "
                             "run promote again", where)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
