"""The command line: parse arguments, call one command, map errors to exit codes.  Nothing else."""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from gitops_gen import __version__
from gitops_gen.base import colour, escape, notices
from gitops_gen.base.errors import ExitCode, GitopsGenError, InputErrors, os_error_text

PROG = "gitops-gen"
COMPLETE_VAR = "_GITOPS_GEN_COMPLETE"

# command name -> the module whose ``command`` it is, imported only when that command runs or help lists it:
# `--version` and a plain `render` never pay for the validation engine or the Kubernetes client.
COMMANDS = {
    "render": "gitops_gen.commands.render",
    "validate": "gitops_gen.commands.validate",
    "drift": "gitops_gen.commands.drift",
    "schema": "gitops_gen.commands.schema",
    "diff": "gitops_gen.commands.diff",
    "promote": "gitops_gen.commands.promote",
    "init": "gitops_gen.commands.init",
    "charts": "gitops_gen.commands.charts",
    "fleet": "gitops_gen.commands.fleet",
    "explain": "gitops_gen.commands.explain",
    "report": "gitops_gen.commands.report",
}

EXAMPLES = """\b
Examples (the commands of a day):
  gitops-gen init platform-gitops        start a new repository (then see its README)
  gitops-gen render                      regenerate rendered/ from blueprints
  gitops-gen render --check              fail when rendered/ is stale (CI, pre-commit)
  gitops-gen validate                    validate the rendered repository
  gitops-gen validate -o github          the same, as pull-request annotations
  gitops-gen validate --strict k8s/      any manifests (files, folders, - for stdin)
  gitops-gen diff -o markdown            what this branch changes, per cluster (a PR comment)
  gitops-gen drift --env prod            compare prod's clusters with Git
  gitops-gen drift --env prod --live-from dump/   the same from a kubectl dump, offline
  gitops-gen promote --to prod --dry-run carry dev's versions to prod: the blueprint diff
  gitops-gen explain prod-eu1 ingress-nginx   which blueprint line set each value of an Application
  gitops-gen report --out evidence/      the audit pack: versions, access, quotas, changes, drift

\b
Exit codes: 0 clean, 1 findings, 2 usage or input error, 3 a cluster could not be read,
4 internal error (a bug: re-run with --debug).
Shell completion (bash, zsh, fish), colour, pre-commit hooks: README, "At the terminal".
"""


@dataclass
class Session:
    """What the root options decide for the whole run (mutable: filled in by the root callback)."""

    debug: bool = False


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        command: click.Command = importlib.import_module(COMMANDS[cmd_name]).command
        return command


@click.group(cls=LazyGroup, epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG)
@click.option("--debug", is_flag=True, help="On an internal error, show the traceback (or GITOPS_GEN_DEBUG=1).")
@click.option("--color", "color", type=click.Choice(colour.CHOICES), default="auto", show_default=True,
              help="Colour text output: auto = on a terminal, unless NO_COLOR is set.")
@click.pass_context
def main(ctx: click.Context, debug: bool, color: str) -> None:
    """Render, validate and drift-check a GitOps repository from small blueprints."""
    if isinstance(ctx.obj, Session):
        ctx.obj.debug = ctx.obj.debug or debug
    # click.echo follows ctx.color (inherited by every command): codes are stripped when it is False.
    ctx.color = colour.wanted(color, sys.stdout, os.environ)


def run(argv: Sequence[str] | None = None) -> int:
    """Entry point: every error becomes one line on stderr and its exit code (ExitCode, errors.py)."""
    with notices.to(lambda text: click.echo(text, err=True)):
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    session = Session(debug=_env_flag("GITOPS_GEN_DEBUG"))
    try:
        result = main.main(args=list(argv) if argv is not None else None, prog_name=PROG,
                           complete_var=COMPLETE_VAR, standalone_mode=False, obj=session)
    except GitopsGenError as err:
        _traceback_if(session)
        # Located errors read as `file:line:col: message`, the form editors and CI annotations parse.
        located = err.location is not None or isinstance(err, InputErrors)
        click.echo(escape.lines(str(err) if located else f"{PROG}: {err}"), err=True)
        return int(err.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        click.echo(f"{PROG}: interrupted", err=True)
        return 130
    except click.ClickException as err:
        err.show()
        return int(ExitCode.USAGE)
    except ConnectionError as err:
        _traceback_if(session)
        click.echo(f"{PROG}: cannot connect: {escape.text(_oneline(err))}", err=True)
        return int(ExitCode.EXTERNAL)
    except OSError as err:  # the user's environment refused: disk full, read-only, permissions
        _traceback_if(session)
        click.echo(f"{PROG}: {escape.text(os_error_text(err, Path.cwd()))}", err=True)
        return int(ExitCode.USAGE)
    except Exception as err:  # a bug: one line for the user, the traceback on request
        _traceback_if(session)
        click.echo(f"{PROG}: internal error: {type(err).__name__}: {escape.text(_oneline(err))} "
                   "(a bug; re-run with --debug for the traceback)", err=True)
        return int(ExitCode.INTERNAL)
    return int(result) if isinstance(result, int) else 0


def entry() -> None:
    sys.exit(run())


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def _traceback_if(session: Session) -> None:
    if session.debug:
        traceback.print_exc(file=sys.stderr)


def _oneline(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return lines[0] if lines else "(no message)"
