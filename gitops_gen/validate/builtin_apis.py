"""Which built-in group/version/kinds each bundled Kubernetes release serves, as package data.

kubernetes-validate ships one schema set per minor release (1.25 onwards).  A
built-in group/version/kind present in an earlier release and absent from a
later one was removed; one absent before its first release was not yet served.
Deriving that at run time means parsing every release's ``_definitions.json``
(13 files of 1.8 MB, ~0.3 s on every run), so ``generate()`` does it once and
``gitops_gen/data/builtin_apis.json`` keeps the result: apiVersion/kind -> the
first and last bundled release serving it.  Regenerate after upgrading
kubernetes-validate with ``python -m gitops_gen.validate.builtin_apis``; a test
fails while the file is stale.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from gitops_gen.validate import schemas

DATA_FILE = "builtin_apis.json"
# Groups of built-in APIs removed before the oldest bundled release (so absent from the data).
LEGACY_GROUPS = frozenset({"extensions", "settings.k8s.io"})


class Lifetime(NamedTuple):
    first: str  # first bundled release serving it (it may be older: bundles start at 1.25)
    last: str  # last bundled release serving it


def generate() -> dict[str, Any]:
    """The data file's content, computed from the schemas kubernetes-validate ships."""
    apis: dict[str, list[str]] = {}
    for version in schemas.SUPPORTED_VERSIONS:
        for api_version, kind in schemas.served_kinds(version):
            key = f"{api_version} {kind}"
            apis.setdefault(key, [version, version])[1] = version
    return {"versions": list(schemas.SUPPORTED_VERSIONS), "apis": dict(sorted(apis.items()))}


@functools.cache
def _data() -> dict[str, Any]:
    text = (resources.files("gitops_gen") / "data" / DATA_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def lifetimes() -> dict[tuple[str, str], Lifetime]:
    out: dict[tuple[str, str], Lifetime] = {}
    for key, (first, last) in _data()["apis"].items():
        api_version, kind = key.split(" ")
        out[(api_version, kind)] = Lifetime(first, last)
    return out


def bundled_versions() -> tuple[str, ...]:
    return tuple(_data()["versions"])


@functools.cache
def builtin_groups() -> frozenset[str]:
    """Every API group Kubernetes itself serves or served ("" is the core group)."""
    return frozenset(group_of(api_version) for api_version, _ in lifetimes()) | LEGACY_GROUPS


def group_of(api_version: str) -> str:
    return api_version.rpartition("/")[0]


def release_after(version: str) -> str | None:
    """The bundled release following ``version`` (None for the newest)."""
    versions = bundled_versions()
    index = versions.index(version) if version in versions else -1
    return versions[index + 1] if 0 <= index < len(versions) - 1 else None


def served_at(kind: str, version: str, group: str | None = None) -> list[str]:
    """apiVersions (of ``group``, else any) serving ``kind`` at ``version``, stable before beta before alpha."""
    found = [
        api_version
        for (api_version, k), life in lifetimes().items()
        if k == kind
        and (group is None or group_of(api_version) == group)
        and _key(life.first) <= _key(version) <= _key(life.last)
    ]
    return sorted(found, key=_maturity)


def _maturity(api_version: str) -> tuple[int, int, int]:
    version = api_version.rpartition("/")[2]
    major, _, rest = version[1:].partition("alpha") if "alpha" in version else version[1:].partition("beta")
    level = 2 if "alpha" in version else 1 if "beta" in version else 0
    return level, -int(major or 0), -int(rest or 0)


def _key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def render(data: dict[str, Any]) -> str:
    """The data file's text: one API per line, so that an upgrade's diff is readable."""
    lines = [f'{{"versions": {json.dumps(data["versions"])},', ' "apis": {']
    items = list(data["apis"].items())
    last = len(items) - 1
    lines += [f"  {json.dumps(k)}: {json.dumps(v)}{',' if i < last else ''}" for i, (k, v) in enumerate(items)]
    return "\n".join([*lines, "}}", ""])


def main() -> None:
    target = Path(__file__).resolve().parents[1] / "data" / DATA_FILE
    target.write_text(render(generate()), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
