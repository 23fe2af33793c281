"""The command line: parse arguments, call one command, map errors to exit codes.  Nothing else."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from gitops_gen import __version__
from gitops_gen.commands import drift, promote, render, validate
from gitops_gen.errors import ExitCode, GitopsGenError, InputErrors


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gitops-gen")
def main() -> None:
    """Render, validate and drift-check a GitOps repository from small blueprints."""


main.add_command(render.command)
main.add_command(validate.command)
main.add_command(drift.command)
main.add_command(promote.command)


def run(argv: Sequence[str] | None = None) -> int:
    """Entry point: every anticipated error becomes one line on stderr and its exit code."""
    try:
        result = main.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except GitopsGenError as err:
        # Located errors read as `file:line:col: message`, the form editors and CI annotations parse.
        located = err.location is not None or isinstance(err, InputErrors)
        click.echo(str(err) if located else f"gitops-gen: {err}", err=True)
        return int(err.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        click.echo("gitops-gen: interrupted", err=True)
        return 130
    except click.ClickException as err:
        err.show()
        return int(ExitCode.USAGE)
    except Exception as err:  # a bug: one line for the user, the traceback on request
        if os.environ.get("GITOPS_GEN_DEBUG"):
            raise
        click.echo(f"gitops-gen: internal error: {type(err).__name__}: {err} "
                   "(run again with GITOPS_GEN_DEBUG=1 for the traceback, and please report it)", err=True)
        return int(ExitCode.USAGE)
    return int(result) if isinstance(result, int) else 0


def entry() -> None:
    sys.exit(run())
