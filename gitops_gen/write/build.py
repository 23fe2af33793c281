"""Render orchestration, once: the no-op cache, the lock, the plan, the swap and the mid-run guard.

``render`` and ``init`` both write rendered/ through ``build``; ``render --check`` asks ``check``.  The
guard re-takes the input fingerprint just before the swap: a ``git checkout`` (or an editor saving)
during a render would otherwise commit a tree made of two branches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gitops_gen.base.errors import InputError
from gitops_gen.blueprint.load import load_repo
from gitops_gen.charts.build import render_repo
from gitops_gen.render.common import RENDERED_DIR
from gitops_gen.write import cache, writer


@dataclass(frozen=True)
class Built:
    written: int
    removed: int
    unchanged: int
    cached: bool  # nothing changed since the last render: nothing was rendered or written
    created: tuple[str, ...] = ()  # files this render added under rendered/ (relative to it)


def build(root: Path, envs: Sequence[str] = (), *, use_cache: bool = True, record: bool = True,
          require_charts: bool = False) -> Built:
    """Render the repository at ``root`` into its rendered/, atomically, or not at all.

    ``use_cache``: skip the render when nothing changed since the recorded one; ``record``: record this
    render for the next one (``init`` leaves no cache in the repository it makes)."""
    out_dir = root / RENDERED_DIR
    inputs = cache.fingerprint(root, envs)
    if use_cache and not require_charts and (count := cache.unchanged(root, out_dir, inputs)) is not None:
        return Built(0, 0, count, cached=True)
    rendering = render_repo(load_repo(root), envs, require_charts)  # hydrated chart add-ons are files too

    def inputs_unchanged() -> None:
        if cache.fingerprint(root, envs) != inputs:
            raise InputError("the inputs changed during the render (gitops.yaml or a blueprint, e.g. a git "
                             "checkout); nothing was written: render again")

    with writer.exclusive(out_dir):
        the_plan = writer.plan(rendering, out_dir)
        writer.apply(rendering, out_dir, the_plan, before_swap=inputs_unchanged)
        if record:
            cache.save(root, out_dir, inputs)
    return Built(len(the_plan.missing) + len(the_plan.stale), len(the_plan.extra), the_plan.unchanged, cached=False,
                 created=tuple(sorted(the_plan.missing)))


def check(root: Path, envs: Sequence[str] = (), require_charts: bool = False) -> writer.Plan:
    """How rendered/ differs from a fresh render (never trusts the cache: CI compares real bytes)."""
    return writer.plan(render_repo(load_repo(root), envs, require_charts), root / RENDERED_DIR)
