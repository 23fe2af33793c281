"""`gitops-gen schema [KIND]`: the JSON Schema of a blueprint kind, for editors (yaml-language-server)."""

from __future__ import annotations

import json

import click

from gitops_gen.base.errors import ExitCode
from gitops_gen.blueprint.fielddocs import markdown
from gitops_gen.blueprint.jsonschema import SCHEMA_KINDS, json_schema


@click.command("schema")
@click.argument("kind", required=False, type=click.Choice([*SCHEMA_KINDS, "all"]), default="all")
@click.option("--markdown", "as_markdown", is_flag=True,
              help="Print the field reference of every kind as Markdown instead (docs/blueprint-reference.md).")
def command(kind: str, as_markdown: bool) -> int:
    """Print the JSON Schema (draft 2020-12) of a blueprint KIND (default: all kinds in one schema).

    \b
    Editors use it to complete and check blueprints as they are typed, e.g. with yaml-language-server:
      gitops-gen schema Tenant > .schemas/tenant.json
      .vscode/settings.json: {"yaml.schemas": {"./.schemas/tenant.json": ["blueprints/tenants/**/*.yaml"]}}
    """
    if as_markdown:
        click.echo(markdown(), nl=False)
        return ExitCode.OK
    click.echo(json.dumps(json_schema(kind), indent=2, sort_keys=False, ensure_ascii=False))
    return ExitCode.OK
