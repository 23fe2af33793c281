"""Start-up: `gitops-gen --version`, `--help` and a shell completion next to `python -c pass` (median of runs).

Each figure runs the installed console script in a fresh process, as a shell does.  The last line shows
what the lazy imports save: the validation engine a light command used to import on the way in.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

RUNS = 11


def _median_ms(argv: Sequence[str], env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def run(report: Callable[[str, str], None]) -> None:
    script = Path(sys.executable).with_name("gitops-gen")
    program = [str(script)] if script.exists() else [sys.executable, "-m", "gitops_gen"]
    baseline = _median_ms([sys.executable, "-c", "pass"])
    report("python -c pass (baseline)", f"{baseline:6.0f} ms")
    for label, args in (("--version", ["--version"]), ("--help", ["--help"])):
        took = _median_ms([*program, *args])
        report(f"gitops-gen {label}", f"{took:6.0f} ms  (+{took - baseline:.0f} ms over python -c pass)")
    env = {**os.environ, "_GITOPS_GEN_COMPLETE": "bash_complete",
           "COMP_WORDS": "gitops-gen render --", "COMP_CWORD": "2"}
    took = _median_ms(program, env)
    report("shell completion (gitops-gen render --<TAB>)", f"{took:6.0f} ms  (+{took - baseline:.0f} ms)")
    engine = _median_ms([sys.executable, "-c", "import gitops_gen.cli, gitops_gen.validate.engine"])
    report("for scale: the CLI plus the validation engine imported", f"{engine:6.0f} ms  (what --version avoids)")
