"""Render the synthetic fleet (3 envs x 8 clusters, 25 add-ons, 300 tenants) through the real CLI.

Each phase runs `gitops-gen render` in a fresh process, as `make render` does, so
the times include interpreter start-up and the peak memory is that process's
own maximum resident set.  Baselines in the same run: the no-op render against
the full one (target <= 25 %), `--no-cache` (the full recompute the cache
avoids), and ruamel.yaml's dumper against our emitter on the same documents.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.fleet import scratch, write_fleet


def _cli(repo: Path, *args: str, command: str = "render") -> tuple[float, float, str]:
    """Seconds, peak RSS in MiB, and stdout of one `gitops-gen <command>` process."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork + exec, so a child of a large bench process
    # reported the parent's size (530 MiB for a no-op render after the drift benchmarks had run).
    code = ("import resource, sys; from gitops_gen.cli import run; rc = run(sys.argv[1:]); "
            "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')]; "
            "print('maxrss', hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "file=sys.stderr); sys.exit(rc)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, command, "--repo", str(repo), *args],
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"render failed ({done.returncode}): {done.stderr.strip()}")
    rss_kib = int(done.stderr.split("maxrss")[-1].split()[0])
    return elapsed, rss_kib / 1024, done.stdout.strip()


def _files(root: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(root))


def _emitter_ratio(repo: Path, report: Callable[[str, str], None]) -> None:
    import io

    from ruamel.yaml import YAML

    from gitops_gen.blueprint.load import load_repo
    from gitops_gen.render import render
    from gitops_gen.yamlio.emit import dump_document

    docs = json.loads(json.dumps([m.body for f in render(load_repo(repo)).files[:3000] for m in f.manifests][:2000]))
    _emitter_round_trip(docs, report)
    started = time.perf_counter()
    for doc in docs:
        dump_document(doc)
    ours = time.perf_counter() - started
    yaml = YAML(typ="safe", pure=True)
    started = time.perf_counter()
    for doc in docs:
        yaml.dump(doc, io.StringIO())
    theirs = time.perf_counter() - started
    report("YAML emitter, 2,000 documents: ours / ruamel.yaml", f"{ours:.2f} s / {theirs:.2f} s "
           f"({theirs / ours:.0f}x faster)")


def _split(repo: Path, report: Callable[[str, str], None]) -> None:
    """Where a full render's time goes, in one process: load (read + check each file), resolve, render, write."""
    from gitops_gen.blueprint.load import load_blueprints
    from gitops_gen.blueprint.resolve import resolve
    from gitops_gen.render import render
    from gitops_gen.write import writer

    errors: list[Any] = []
    started = time.perf_counter()
    blueprints, broken = load_blueprints(repo, errors)
    loaded = time.perf_counter()
    assert blueprints is not None and not errors
    model = resolve(blueprints, errors, broken)
    resolved = time.perf_counter()
    rendering = render(model)
    rendered = time.perf_counter()
    out = repo / "split-rendered"
    writer.apply(rendering, out, writer.plan(rendering, out))
    written = time.perf_counter()
    report("full render split: load / resolve / render / write",
           f"{loaded - started:.2f} / {resolved - loaded:.2f} / {rendered - resolved:.2f} / "
           f"{written - rendered:.2f} s")


# Keys and values every YAML reader would turn into something else if written plain, and keys past the
# 1,024-character limit of implicit keys: what tests/test_emit.py's property draws from, at volume.
_SPECIAL = ["true", "null", "~", "yes", "off", "0x10", "0o17", "1e3", "1_000", "1:20", "2001-01-01", "<<", "=",
            "", "- a", "a: b", "#a", "&a", "*a", "!a", "%a", "'a'", '"a"', "{a}", "a\nb", "\u2028", "\x85"]


def _emitter_round_trip(docs: list[object], report: Callable[[str, str], None]) -> None:
    """Fleet documents with YAML-special and over-long keys mixed in, written by our emitter and read back
    by PyYAML (YAML 1.1, libyaml when present) and ruamel (1.2): every one must come back equal."""
    import yaml as pyyaml
    from ruamel.yaml import YAML

    from gitops_gen.yamlio.emit import dump_document

    loader = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)
    special = {key: key for key in _SPECIAL} | {"k" * 1100 + str(n): n for n in range(3)}
    samples = [{**doc, "special": special} if isinstance(doc, dict) else doc for doc in docs]
    started = time.perf_counter()
    texts = [dump_document(doc) for doc in samples]
    emitted = time.perf_counter() - started
    started = time.perf_counter()
    wrong = sum(1 for doc, text in zip(samples, texts, strict=True) if pyyaml.load(text, Loader=loader) != doc)
    read = time.perf_counter() - started
    ruamel = YAML(typ="safe", pure=True)  # pure Python, about 100x slower: every 10th document
    started = time.perf_counter()
    wrong += sum(1 for doc, text in zip(samples[::10], texts[::10], strict=True) if ruamel.load(text) != doc)
    read_ruamel = time.perf_counter() - started
    size = sum(len(t.encode()) for t in texts) / 2**20
    report(f"emitter round trip: {len(samples):,} documents, {size:.1f} MiB, special and >1,024-char keys",
           f"{wrong} changed; write {emitted:.2f} s, PyYAML reads all {read:.2f} s, "
           f"ruamel {len(samples[::10])} {read_ruamel:.2f} s")
    if wrong:
        raise SystemExit(f"{wrong} documents did not read back equal")


def run(report: Callable[[str, str], None]) -> None:
    with tempfile.TemporaryDirectory(prefix="render-", dir=scratch()) as tmp:
        repo = write_fleet(Path(tmp) / "fleet")
        full, full_rss, _ = _cli(repo)
        files = _files(repo / "rendered")
        before = {p: p.stat().st_mtime_ns for p in (repo / "rendered").rglob("*") if p.is_file()}
        noop, noop_rss, out = _cli(repo)
        after = {p: p.stat().st_mtime_ns for p in (repo / "rendered").rglob("*") if p.is_file()}
        written = sum(1 for p in after if before.get(p) != after[p])
        recompute, recompute_rss, _ = _cli(repo, "--no-cache")
        check, _, _ = _cli(repo, "--check")
        validate, validate_rss, validated = _cli(repo, command="validate")
        tenant = repo / "blueprints" / "tenants" / "team-042.yaml"
        tenant.write_text(tenant.read_text().replace("tier: small", "tier: large"))
        incremental, _, incremental_out = _cli(repo)
        report("full render (load, render, write; one process)", f"{full:.2f} s   (target <= 15 s)")
        report("files written", f"{files:,}   ({files / full:,.0f} files/s)")
        report("no-op re-render", f"{noop:.2f} s = {noop / full:.0%} of full (target <= 25 %), "
               f"{written} files written")
        report("no-op with --no-cache (full recompute, byte compare)", f"{recompute:.2f} s = {recompute / full:.0%}")
        report("render --check (never cached)", f"{check:.2f} s")
        report("validate, repo mode, whole fleet (one process)",
               f"{validate:.2f} s, {validate_rss:.0f} MiB ({validated.splitlines()[-1]})")
        report("one tenant's tier changed, then render", f"{incremental:.2f} s ({incremental_out.split(': ', 1)[1]})")
        report("peak memory (max RSS): full / no-op / --no-cache",
               f"{full_rss:.0f} / {noop_rss:.0f} / {recompute_rss:.0f} MiB   (target <= 1024 MiB)")
        _split(repo, report)
        _emitter_ratio(repo, report)
        del out
