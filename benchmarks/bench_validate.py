"""Validate the fleet's rendered objects: our engine against kubernetes_validate.validate() per document.

The engine compiles one validator per kind and version; the baseline calls
``kubernetes_validate.validate()`` once per document, in the same run.

The documents are the bench fleet's rendered objects (benchmarks/fleet.py);
``generated()`` is a smaller hand-made set that includes Deployments, used by
the unit test of this benchmark.
"""

from __future__ import annotations

import io
import json
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import kubernetes_validate

from benchmarks.fleet import scratch, write_fleet
from gitops_gen.blueprint.load import load_repo
from gitops_gen.render import render
from gitops_gen.validate.engine import Document, Options, validate_documents

VERSION = "1.31"
NAMESPACES = 500  # x 8 objects = 4,000 documents
SAMPLE = 100  # documents actually timed for the baseline (it manages ~85 docs/s)


def tenant_objects(ns: str) -> list[dict[str, Any]]:
    labels = {
        "app.kubernetes.io/managed-by": "gitops-gen",
        "gitops-gen.io/tenant": ns.split("-")[0],
        "cost-center": "cc-4410",
    }
    meta = {"namespace": ns, "labels": labels}
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": labels}},
        {
            "apiVersion": "v1",
            "kind": "ResourceQuota",
            "metadata": {"name": "quota", **meta},
            "spec": {"hard": {"requests.cpu": "16", "requests.memory": "32Gi", "pods": "150"}},
        },
        {
            "apiVersion": "v1",
            "kind": "LimitRange",
            "metadata": {"name": "limits", **meta},
            "spec": {
                "limits": [
                    {
                        "type": "Container",
                        "default": {"cpu": "500m", "memory": "512Mi"},
                        "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                    }
                ]
            },
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "default-deny", **meta},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "allow-ingress", **meta},
            "spec": {
                "podSelector": {},
                "ingress": [
                    {
                        "from": [
                            {
                                "namespaceSelector": {
                                    "matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}
                                }
                            }
                        ]
                    }
                ],
            },
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "owners", **meta},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": f"{ns}-admins"}],
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", **meta},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "web",
                                "image": "ghcr.io/acme/web:1.4.2",
                                "ports": [{"containerPort": 8080}],
                                "resources": {
                                    "requests": {"cpu": "100m", "memory": "128Mi"},
                                    "limits": {"cpu": "1", "memory": "256Mi"},
                                },
                            }
                        ]
                    },
                },
            },
        },
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": f"prod-eu1-{ns}", "namespace": "argocd", "labels": labels},
            "spec": {
                "project": "prod-eu1-tenant",
                "destination": {"server": "https://prod-eu1.example", "namespace": ns},
                "source": {
                    "repoURL": "https://github.com/acme/apps.git",
                    "path": f"deploy/{ns}",
                    "targetRevision": "v1.2.0",
                },
                "syncPolicy": {
                    "automated": {"prune": False, "selfHeal": True},
                    "syncOptions": ["CreateNamespace=false"],
                },
            },
        },
    ]


def generated(namespaces: int = NAMESPACES) -> list[dict[str, Any]]:
    return [obj for i in range(namespaces) for obj in tenant_objects(f"team{i % 50}-ns{i}")]


def fleet_documents() -> list[dict[str, Any]]:
    """Every distinct object the bench fleet renders (as `validate` sees them: one per file and object)."""
    with tempfile.TemporaryDirectory(prefix="validate-", dir=scratch()) as tmp:
        rendering = render(load_repo(write_fleet(Path(tmp) / "fleet")))
    distinct = {(m.path, m.ref): m.body for objects in rendering.desired.values() for m in objects}
    return [json.loads(json.dumps(body)) for body in distinct.values()]


def run(report: Callable[[str, str], None], documents: Sequence[Mapping[str, Any]] | None = None) -> None:
    docs = list(documents) if documents is not None else fleet_documents()
    options = Options(VERSION, strict=True)
    validate_documents([Document(d) for d in docs[:50]], options)  # compile the validators once
    start = time.perf_counter()
    result = validate_documents([Document(d) for d in docs], options)
    ours = len(docs) / (time.perf_counter() - start)
    assert result.errors == 0, [str(f) for f in result.findings[:3]]

    builtin = [d for d in docs if not str(d.get("apiVersion", "")).startswith("argoproj.io/")]
    sample = [builtin[i * len(builtin) // SAMPLE] for i in range(min(SAMPLE, len(builtin)))]
    start = time.perf_counter()
    for doc in sample:
        kubernetes_validate.validate(dict(doc), VERSION, strict=True)
    baseline = len(sample) / (time.perf_counter() - start)

    report(
        "validate: documents", f"{len(docs):,} ({len({(d['apiVersion'], d['kind']) for d in docs})} kinds)"
    )
    report("validate: gitops-gen engine", f"{ours:,.0f} docs/s")
    report(
        "validate: kubernetes_validate.validate() per doc", f"{baseline:,.0f} docs/s ({len(sample)} sampled)"
    )
    report("validate: ratio", f"{ours / baseline:,.0f}x (target >= 20x)")
    if documents is None:
        path_mode(report)


BUNDLES = Path(__file__).resolve().parents[1] / "tests" / "validate" / "fixtures" / "bundles"
CRDS = BUNDLES.parent / "operators" / "crds"
COPIES = 50  # x the bundle fixtures' 22 documents, one file per copy of each fixture file


def path_mode(report: Callable[[str, str], None], copies: int = COPIES) -> None:
    """`validate [--strict] --crd-dir … PATH` end to end (read, parse, validate) on the bundle fixtures.

    ``--strict`` parses with ruamel (pure Python, to catch duplicate keys): most of its time is parsing.
    """
    from gitops_gen.validate import paths
    from gitops_gen.yamlio.reader import load_plain

    files = sorted(p for p in BUNDLES.glob("*.yaml") if p.name != "old-chart.yaml")
    with tempfile.TemporaryDirectory(prefix="validate-paths-", dir=scratch()) as tmp:
        for i in range(copies):
            for f in files:
                (Path(tmp) / f"{i:03}-{f.name}").write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
        rates = {}
        for strict in (True, False):
            start = time.perf_counter()
            crds = paths.load_crd_dirs([CRDS], strict_fields=strict)
            docs, problems = paths.read_inputs([tmp], io.StringIO(), strict=strict)
            result = validate_documents(docs, Options(VERSION, strict=strict, crds=crds))
            rates[strict] = len(docs) / (time.perf_counter() - start)
            assert result.errors == 0 and not problems, [str(f) for f in (*problems, *result.findings)[:3]]
    texts = [f.read_text(encoding="utf-8") for f in files]
    start = time.perf_counter()
    count = 0
    for text in texts:  # the baseline on one copy: parse, then validate each built-in document
        for doc in load_plain(text):
            if doc and not str(doc.get("apiVersion", "")).startswith("example.dev/"):
                kubernetes_validate.validate(doc, VERSION, strict=True)
                count += 1
    baseline = count / (time.perf_counter() - start)
    strict_rate = f"{len(docs):,} docs, {rates[True]:,.0f} docs/s"
    report("validate: path mode, bundle fixtures (--strict --crd-dir)", strict_rate)
    report("validate: path mode, bundle fixtures (--crd-dir)", f"{rates[False]:,.0f} docs/s")
    report("validate: path mode, kubernetes_validate.validate() per doc", f"{baseline:,.0f} docs/s ({count} docs)")
    ratios = f"{rates[True] / baseline:,.0f}x / {rates[False] / baseline:,.0f}x"
    report("validate: path mode ratio (strict / default)", ratios)


def engines(report: Callable[[str, str], None]) -> None:
    """The JSON-schema engines compared in docs/adr/0003-json-schema-engine.md (schema only, valid docs)."""
    import fastjsonschema
    import jsonschema
    import jsonschema_rs

    from gitops_gen.validate import schemas

    docs = [d for d in generated() if d["kind"] != "Application"]
    kinds = {(d["apiVersion"], d["kind"]) for d in docs}
    compiled = {k: schemas.kind_schema(VERSION, *k, strict=True) or {} for k in kinds}

    def fast(schema: dict[str, Any]) -> Any:
        return fastjsonschema.compile({k: v for k, v in schema.items() if k != "$schema"})  # draft 7 dialect

    candidates: dict[str, tuple[Callable[[Any], Any], Callable[[Any, Any], Any]]] = {
        "jsonschema-rs is_valid": (jsonschema_rs.Draft202012Validator, lambda v, d: v.is_valid(d)),
        "jsonschema-rs iter_errors": (
            jsonschema_rs.Draft202012Validator,
            lambda v, d: list(v.iter_errors(d)),
        ),
        "fastjsonschema": (fast, lambda v, d: v(d)),
        "jsonschema (python)": (jsonschema.Draft202012Validator, lambda v, d: list(v.iter_errors(d))),
    }
    for name, (build, check) in candidates.items():
        start = time.perf_counter()
        validators = {k: build(schema) for k, schema in compiled.items()}
        compile_ms = (time.perf_counter() - start) * 1000 / len(kinds)
        start = time.perf_counter()
        for doc in docs:
            check(validators[(doc["apiVersion"], doc["kind"])], doc)
        report(
            f"engine: {name}",
            f"{len(docs) / (time.perf_counter() - start):,.0f} docs/s, compile {compile_ms:.1f} ms/kind",
        )


if __name__ == "__main__":
    import sys

    (engines if "--engines" in sys.argv else run)(lambda name, value: print(f"{name:50} {value}"))
