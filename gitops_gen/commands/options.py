"""Options every command spells the same way (a stable interface: CI jobs and scripts depend on them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

repo_option = click.option(
    "--repo", "repo", type=click.Path(file_okay=False, path_type=Path),
    help="Repository root (default: nearest folder upward holding gitops.yaml).")


def output_option(formats: Iterable[str]) -> Callable[[Any], Any]:
    return click.option("-o", "--output", "output", type=click.Choice(sorted(formats)), default="text",
                        show_default=True, help="Output format.")
