"""The layout promises of the README, checked: one module owns each library, the middle stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gitops_gen"

# third-party import name -> the only modules allowed to import it
OWNERS = {
    "ruamel": {"yamlio.roundtrip"},  # round-trip edits that keep comments (promote); reading is the reader's
    "yaml": {"yamlio.reader"},
    "kubernetes": {"kube.client"},
    "urllib3": {"kube.client"},
    "kubernetes_validate": {"validate.schemas"},
    "jsonschema_rs": {"validate.schemas", "validate.crds"},
    "re2": {"validate.gopattern"},
    "deepdiff": {"drift.compare"},
    "git": {"tools.gitrev"},
    "click": {"cli", "commands.options", "commands.render", "commands.validate", "commands.drift",
              "commands.schema", "commands.diff", "commands.promote", "commands.init", "commands.charts",
              "commands.fleet", "commands.explain", "commands.report"},
    "helm_python": {"charts.sdkworker"},
    "urllib": {"charts.fetch"},
}
# the pure middle of the pipeline: no file system, processes, clusters or terminals
PURE = ("blueprint.spec", "blueprint.model", "blueprint.v1", "blueprint.construct", "blueprint.overrides",
        "base.naming", "blueprint.jsonschema", "blueprint.fielddocs", "blueprint.resolve",
        "base.kinds", "render", "drift.normalize", "drift.compare",
        "base.quantity", "validate.policy", "validate.references", "diff.fields", "diff.clusters", "diff.risks",
        "diff.model", "diff.formats", "charts.semver", "charts.capabilities", "charts.hooks", "fleet",
        "blueprint.provenance", "explain", "report.sections", "report.posture", "report.drift", "report.model",
        "report.formats")
IMPURE = {"os", "subprocess", "shutil", "socket", "click", "kubernetes", "gitops_gen.kube", "gitops_gen.write.writer",
          "gitops_gen.tools.kustomize", "gitops_gen.cli", "gitops_gen.commands"}


# The layers, low to high (docs/adr/0012-layers.md).  A module may import its own package and any package
# of a lower layer, never one above nor a sibling of its own layer: checked over the whole import graph.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("base",),  # errors, guarded input, names, kinds, quantities, rule ids, JSON paths, severity, status
    ("yamlio",),  # the one reader, the emitter, round-trip edits
    ("blueprint",),  # format v1, specs, load, construct, model, resolve
    ("fleet",),  # pure: ApplicationSets and cluster Secrets, expanded with Argo CD's generator semantics
    ("render",),  # pure: plan -> objects -> Kustomize layers -> bytes
    ("charts",),  # Helm charts: the locked cache, the engine, expansion into the render (charts pull: the network)
    ("write", "tools", "kube"),  # the edges: rendered/ on disk, git and kustomize, clusters
    ("validate",),
    ("diff", "drift", "promote", "explain", "report"),  # explain and report read the render; report, Git too
    ("commands",),
    ("cli",),
    ("__main__",),
)
RANK = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}


def modules() -> dict[str, set[str]]:
    """Dotted module name (relative to gitops_gen) -> every module it imports (absolute names)."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        imports: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imports.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imports.add(node.module)
        found[name or "__init__"] = imports
    return found


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_each_third_party_library_has_one_owner(library: str) -> None:
    users = {name for name, imports in modules().items()
             if any(i == library or i.startswith(library + ".") for i in imports)}
    assert users <= OWNERS[library], f"{library} imported outside its owner: {sorted(users - OWNERS[library])}"


def test_the_middle_of_the_pipeline_is_pure() -> None:
    offenders = {}
    for name, imports in modules().items():
        if name.startswith(PURE):
            bad = {i for i in imports if any(i == x or i.startswith(x + ".") for x in IMPURE)}
            if bad:
                offenders[name] = sorted(bad)
    assert offenders == {}


def test_modules_stay_readable_in_one_sitting() -> None:
    long = {p.relative_to(PACKAGE).as_posix(): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}


def test_render_is_a_function_of_the_resolved_plan() -> None:
    """Resolve once: render never calls back into loading, resolving or the blueprint constructors."""
    upstream = ("gitops_gen.blueprint.load", "gitops_gen.blueprint.resolve", "gitops_gen.blueprint.overrides",
                "gitops_gen.blueprint.v1", "gitops_gen.blueprint.construct", "gitops_gen.blueprint.spec",
                "gitops_gen.yamlio.reader")
    offenders = {name: sorted(i for i in imports if i.startswith(upstream))
                 for name, imports in modules().items() if name.startswith("render")}
    assert {k: v for k, v in offenders.items() if v and v != ["gitops_gen.yamlio.reader"]} == {}


def _package(module: str) -> str:
    return module.removeprefix("gitops_gen.").split(".")[0]


def _internal_graph() -> dict[str, set[str]]:
    """Module -> the gitops_gen modules it imports (``from gitops_gen import x`` counts as ``x``)."""
    names = set(modules())
    graph: dict[str, set[str]] = {}
    for name, imports in modules().items():
        graph[name] = {i.removeprefix("gitops_gen.") for i in imports
                       if i.startswith("gitops_gen.") and i.removeprefix("gitops_gen.") in names}
    return graph


def test_every_package_is_in_a_layer() -> None:
    packages = {_package(name) for name in modules()} - {"__init__"}
    assert packages - RANK.keys() == set(), "declare the new package in LAYERS"


def test_no_import_runs_upward_or_sideways_anywhere_in_the_graph() -> None:
    """Transitively: a module never reaches, through any chain of imports, a package above it or beside it."""
    graph = _internal_graph()
    offenders: dict[str, list[str]] = {}
    for start in graph:
        here = _package(start)
        if here == "__init__":
            continue
        seen, stack, chain = {start}, [start], {start: start}
        while stack:
            node = stack.pop()
            for nxt in graph[node]:
                if nxt in seen:
                    continue
                seen.add(nxt)
                chain[nxt] = f"{chain[node]} -> {nxt}"
                there = _package(nxt)
                if there != here and there != "__init__" and RANK[there] >= RANK[here]:
                    offenders.setdefault(start, []).append(chain[nxt])
                stack.append(nxt)
    assert offenders == {}


def test_the_checker_sees_an_upward_import() -> None:
    """Not void: a blueprint module importing validation is caught (the bug issue 15 names)."""
    assert RANK["validate"] > RANK["blueprint"] and RANK["drift"] > RANK["blueprint"]


def test_configurable_rule_ids_match_the_registries() -> None:
    """The leaf literal gitops.yaml is checked against names exactly the rules that exist."""
    from gitops_gen.base.rule_ids import CONFIGURABLE_RULES
    from gitops_gen.validate.policy import EXPIRED_EXCEPTION, EXPIRING_EXCEPTION, RULES
    from gitops_gen.validate.references import REFERENCE_RULES

    registries = {**{r.id: r.name for r in RULES.values()}, **{r.id: r.name for r in REFERENCE_RULES.values()}}
    implemented = {k: v for k, v in registries.items() if k not in (EXPIRED_EXCEPTION, EXPIRING_EXCEPTION)}
    assert implemented == CONFIGURABLE_RULES


def test_no_assert_guards_the_package() -> None:
    """``python -O`` removes asserts: a guard the program relies on is an ``if`` that raises."""
    found = sorted(f"{p.relative_to(PACKAGE)}:{node.lineno}" for p in PACKAGE.rglob("*.py")
                   for node in ast.walk(ast.parse(p.read_text())) if isinstance(node, ast.Assert))
    assert found == []
