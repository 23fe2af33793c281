"""`make bench`: every benchmarks/bench_*.py module, each printing throughput and a same-run baseline ratio."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def report(name: str, value: str) -> None:
    print(f"  {name:<58} {value}", flush=True)


def main(selected: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if n.removeprefix("bench_") in selected or n in selected]
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name.removeprefix('bench_')}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        started = time.perf_counter()
        module.run(report)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
