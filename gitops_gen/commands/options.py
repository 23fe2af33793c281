"""Options every command spells the same way (a stable interface: CI jobs and scripts depend on them)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from gitops_gen import colour

repo_option = click.option(
    "--repo", "repo", type=click.Path(file_okay=False, path_type=Path),
    help="Repository root (default: nearest folder upward holding gitops.yaml).")


def output_option(formats: Iterable[str]) -> Callable[[Any], Any]:
    return click.option("-o", "--output", "output", type=click.Choice(sorted(formats)), default="text",
                        show_default=True, help="Output format.")


def use_colour() -> bool:
    """This run's colour decision: what ``cli.main`` stored from --color, NO_COLOR, FORCE_COLOR and the TTY."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.color is not None:
        return bool(ctx.color)
    return colour.wanted("auto", sys.stdout, os.environ)
