"""``gitops-gen charts pull``: every chart version any environment or cluster runs, into the cache and the lock."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from gitops_gen.base.errors import InputError, InputErrors, Location
from gitops_gen.blueprint.model import Repo
from gitops_gen.charts import cache, fetch, lock
from gitops_gen.charts.archive import read_info
from gitops_gen.charts.lock import ChartKey


@dataclass(frozen=True)
class Pulled:
    key: ChartKey
    digest: str
    action: str  # "cached" (nothing fetched), "fetched", "relocked"


def charts_of(repo: Repo, envs: Sequence[str] = ()) -> Iterator[tuple[ChartKey, Location]]:
    """Each chart version the chosen environments run (any cluster), once, with the first add-on using it."""
    seen: set[ChartKey] = set()
    for plan in repo.plans:
        if envs and plan.env.name not in envs:
            continue
        for addon in plan.addons:
            if addon.chart is None:
                continue
            key = ChartKey(addon.chart.repo_url, addon.chart.name, addon.chart.version)
            if key not in seen:
                seen.add(key)
                yield key, addon.loc("chart")


def pull(repo: Repo, envs: Sequence[str] = (), relock: bool = False) -> list[Pulled]:
    unknown = [e for e in envs if e not in repo.environments]
    if unknown:
        raise InputError(f"unknown environment {unknown[0]!r} (known: {', '.join(sorted(repo.environments))})")
    locked = lock.read(repo.root)
    digests = dict(locked.digests)
    done: list[Pulled] = []
    errors: list[InputError] = []
    wanted = list(charts_of(repo, envs))
    if not envs:  # the whole repository: a chart no environment runs any more leaves the lock
        digests = {k: d for k, d in digests.items() if k in {key for key, _ in wanted}}
    for key, where in wanted:
        try:
            if cache.archive(key, locked) is not None:
                done.append(Pulled(key, digests[key], "cached"))
                continue
        except cache.DigestMismatch:
            if not relock:
                raise
        data = fetch.fetch(key, where)
        info = read_info(data, where)
        if info.name != key.name:
            errors.append(InputError(f"chart {key}: the archive holds chart {info.name!r}", where))
            continue
        digest = cache.digest_of(data)
        was = digests.get(key)
        if was is not None and was != digest and not relock:
            raise cache.DigestMismatch(key, was, digest, "the fetched archive")
        cache.store(data)
        digests[key] = digest
        done.append(Pulled(key, digest, "relocked" if was not in {None, digest} else "fetched"))
    if errors:
        raise InputErrors(errors)
    if digests != dict(locked.digests):
        _write(repo.root / lock.LOCK_FILE, lock.text_of(digests))
    return done


def _write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".charts-lock-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)
