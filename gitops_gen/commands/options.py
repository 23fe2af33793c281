"""Options every command spells the same way (a stable interface: CI jobs and scripts depend on them)."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gitops_gen.base import colour
from gitops_gen.base.errors import InputError

if TYPE_CHECKING:
    from gitops_gen.blueprint.catalogue import Catalogue

repo_option = click.option(
    "--repo", "repo", type=click.Path(file_okay=False, path_type=Path),
    help="Repository root (default: nearest folder upward holding gitops.yaml).")


class Seconds(click.FloatRange):
    """A duration in seconds, within (0, ``most``]; ``nan`` (which every comparison lets through) refused."""

    name = "seconds"

    def __init__(self, most: float) -> None:
        super().__init__(min=0, min_open=True, max=most)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


require_charts_option = click.option(
    "--require-charts", "require_charts", is_flag=True,
    help="A Helm chart missing from the chart cache is an error (exit 2), not a warning.")


def output_option(formats: Iterable[str]) -> Callable[[Any], Any]:
    return click.option("-o", "--output", "output", type=click.Choice(sorted(formats)), default="text",
                        show_default=True, help="Output format.")


def report_option(suffixes: Iterable[str]) -> Callable[[Any], Any]:
    """``--report FILE`` (repeatable): the same report again, in the format its suffix names."""
    return click.option("--report", "reports", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                        help=f"Also write the report to FILE, format from its suffix ({' '.join(suffixes)}). "
                             "Repeatable.")


def report_formats(paths: Sequence[Path], extensions: Mapping[str, str]) -> list[str]:
    """The format of each ``--report`` path, checked before any work is done."""
    names = []
    for path in paths:
        name = extensions.get(path.suffix.lower())
        if name is None:
            raise InputError(f"--report {path}: unknown suffix; use one of {', '.join(sorted(extensions))}")
        names.append(name)
    return names


def write_reports(paths: Sequence[Path], formats: Sequence[str], text_of: Callable[[str], str]) -> None:
    """Write each ``--report`` file: ``text_of(format)`` is the report in that format."""
    for path, name in zip(paths, formats, strict=True):
        try:
            path.write_text(text_of(name), encoding="utf-8")
        except OSError as err:
            raise InputError(f"--report {path}: cannot write: {err.strerror}") from None


def use_colour() -> bool:
    """This run's colour decision: what ``cli.main`` stored from --color, NO_COLOR, FORCE_COLOR and the TTY."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.color is not None:
        return bool(ctx.color)
    return colour.wanted("auto", sys.stdout, os.environ)


# --- shell completion: names read from the repository (gitops_gen.blueprint.catalogue), offered as the user types ---

Completer = Callable[[click.Context, click.Parameter, str], list[str]]


def _completer(pick: Callable[[Catalogue, click.Context], Iterable[str]]) -> Completer:
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        try:  # a TAB must never print a traceback into the user's prompt
            from gitops_gen.blueprint import catalogue

            repo = ctx.params.get("repo")
            names = pick(catalogue.read(Path(repo) if repo else None), ctx)
            return [name for name in names if name.startswith(incomplete)]
        except Exception:
            return []
    return complete


def _one_environment(ctx: click.Context) -> str | None:
    """The environment already given on the line (``--env prod``), to offer only its clusters."""
    given = ctx.params.get("env") or ctx.params.get("envs")
    if isinstance(given, str):
        return given
    if isinstance(given, (tuple, list)) and len(given) == 1:
        return str(given[0])
    return None


complete_environments = _completer(lambda names, ctx: names.environments)
complete_clusters = _completer(lambda names, ctx: names.clusters_of(_one_environment(ctx)))
complete_addons = _completer(lambda names, ctx: names.addons)


def _applications(names: Catalogue, ctx: click.Context) -> list[str]:
    """The Applications of the cluster already given (``<cluster>-<add-on>``, ``<cluster>-<tenant>-namespaces``,
    ``<cluster>-<app>``), or their short names when none is."""
    cluster = ctx.params.get("cluster")
    short = [*names.addons, *(f"{t}-namespaces" for t in names.tenants), *names.apps]
    return [f"{cluster}-{n}" for n in short] if isinstance(cluster, str) and cluster else short


complete_applications = _completer(_applications)
