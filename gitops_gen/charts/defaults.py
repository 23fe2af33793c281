"""A chart's own ``values.yaml``, positions kept: the lowest layer of an add-on's values (``provenance``).

Read from the locked, cached archive only (offline, checked against ``charts.lock`` as every reader of
the cache is); a chart not in the cache, or whose values.yaml is not YAML the blueprint reader takes
(anchors and aliases are refused there), simply has no default layer.
"""

from __future__ import annotations

from pathlib import Path

from gitops_gen.base.errors import InputError, Location
from gitops_gen.base.inputs import read_input
from gitops_gen.blueprint.construct import written
from gitops_gen.blueprint.model import Addon, ClusterPlan, Written
from gitops_gen.blueprint.provenance import ChartDefaults
from gitops_gen.charts import archive, cache, lock
from gitops_gen.charts.lock import ChartKey
from gitops_gen.yamlio.reader import LocDict, load_positioned


def chart_defaults(root: Path) -> ChartDefaults:
    """For ``Provenance(repo, chart_defaults=...)``: each chart read once per run."""
    locked = lock.read(root)
    memo: dict[ChartKey, Written | None] = {}

    def defaults(plan: ClusterPlan, addon: Addon) -> Written | None:
        if addon.chart is None:
            return None
        key = ChartKey(addon.chart.repo_url, addon.chart.name, addon.chart.version)
        if key not in memo:
            memo[key] = _values(key, locked)
        return memo[key]

    return defaults


def _values(key: ChartKey, locked: lock.Lock) -> Written | None:
    path = cache.archive(key, locked)
    if path is None:
        return None
    name = f"{key.name}-{key.version}.tgz:{key.name}/values.yaml"
    data = read_input(path, str(path), cache.MAX_ARCHIVE_BYTES)
    try:
        raw = archive.top_file(data, Location(str(path)), "values.yaml")
        docs = load_positioned(raw.decode("utf-8"), name) if raw else []
    except (InputError, UnicodeDecodeError):
        return None
    doc = docs[0] if docs else None
    if not isinstance(doc, LocDict):
        return None
    top = LocDict({"values": doc}, loc=doc.loc)
    top.value_locs["values"] = doc.loc
    return written(top, Location(name))
