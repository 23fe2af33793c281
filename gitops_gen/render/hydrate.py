"""Hydration, the rendered-manifests pattern: a chart add-on's expanded objects as a Kustomize folder (pure).

``hydrate: true`` on an add-on (or in an environment's or cluster's add-on overrides) writes what the chart
renders for a cluster to ``addons/<add-on>/clusters/<cluster>/`` (one file per object and a
``kustomization.yaml``), and the Application syncs that Git path instead of the chart repository: reviewers
read the real YAML, clusters need no chart repository.  Per cluster, because capabilities (the CRDs a
cluster gets, its Kubernetes version) and values may differ between the clusters of an environment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gitops_gen.base.errors import InputError, InputErrors
from gitops_gen.base.manifest import Manifest, ObjectRef
from gitops_gen.blueprint.model import ClusterPlan
from gitops_gen.render.common import file_name
from gitops_gen.render.layers import LayerFile

KUSTOMIZATION = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}


@dataclass(frozen=True)
class Hydrated:
    files: tuple[LayerFile, ...] = ()
    folders: Mapping[str, str] = field(default_factory=dict)  # add-on -> its folder under rendered/


def hydrated_files(plan: ClusterPlan, charts: Mapping[tuple[str, str], Sequence[Manifest]]) -> Hydrated:
    files: list[LayerFile] = []
    folders: dict[str, str] = {}
    errors: list[InputError] = []
    for addon in plan.addons:
        if not (addon.hydrate and addon.chart):
            continue
        objects = charts.get((plan.cluster.name, addon.name))
        if objects is None:
            errors.append(InputError(
                f"add-on {addon.name}: hydrate: true needs chart {addon.chart.name} {addon.chart.version} in the "
                f"chart cache to write {plan.cluster.name}'s manifests: run `gitops-gen charts pull`",
                addon.loc("hydrate")))
            continue
        folder = f"addons/{addon.name}/clusters/{plan.cluster.name}"
        seen: dict[ObjectRef, Manifest] = {}
        names: list[str] = []
        for m in objects:
            if m.ref in seen:
                errors.append(InputError(f"add-on {addon.name}: the chart renders {m.ref} twice ({seen[m.ref].template}"
                                         f" and {m.template}): it cannot be hydrated", addon.loc("hydrate")))
                continue
            seen[m.ref] = m
            name = file_name(m.ref)
            names.append(name)
            files.append(LayerFile(f"{folder}/{name}", m.body, (m,), addon.origin))
        files.append(LayerFile(f"{folder}/kustomization.yaml", {**KUSTOMIZATION, "resources": sorted(names)}, (),
                               addon.origin))
        folders[addon.name] = folder
    if errors:
        raise InputErrors(errors)
    return Hydrated(tuple(files), folders)
