"""The YAML reader: blueprint loading against ruamel.yaml, --strict against default, bomb refusals, loader fuzz.

Every ratio is measured in this run.  The ruamel reference is the first round's positioned reader in
miniature (round-trip load, then a walk over its line/column records), kept here only to measure against.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.fleet import scratch, write_fleet
from gitops_gen.blueprint.load import blueprint_files, load_repo
from gitops_gen.cli import run as cli
from gitops_gen.render import render
from gitops_gen.yamlio import reader

FUZZ_MUTANTS = 150
CORPUS_DOCUMENTS = 5_000  # of the fleet's rendered documents, for --strict against default


def _ruamel_positioned(text: str) -> list[Any]:
    """The old reader: ruamel's pure-Python round-trip loader, then every key/value/item position read."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def walk(node: Any) -> Any:
        if isinstance(node, CommentedMap):
            return {k: (node.lc.key(k), node.lc.value(k), walk(v)) for k, v in node.items()}
        if isinstance(node, CommentedSeq):
            return [(node.lc.item(i), walk(v)) for i, v in enumerate(node)]
        return node

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return [walk(doc) for doc in yaml.load_all(text)]


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def blueprints(report: Callable[[str, str], None], root: Path) -> None:
    texts = [(p.relative_to(root).as_posix(), p.read_text()) for _, p in blueprint_files(root)]
    texts.append(("gitops.yaml", (root / "gitops.yaml").read_text()))
    size = sum(len(t) for _, t in texts)
    ours = _best(lambda: [reader.load_positioned(t, n) for n, t in texts])
    theirs = _best(lambda: [_ruamel_positioned(t) for _, t in texts], repeat=1)
    report("reader: blueprint files (bench fleet)", f"{len(texts)} files, {size / 1024:,.0f} KiB")
    report("reader: blueprints positioned: libyaml events / ruamel",
           f"{ours * 1000:,.0f} ms / {theirs * 1000:,.0f} ms ({theirs / ours:,.0f}x faster)")
    loaded = _best(lambda: load_repo(root), repeat=1)
    report("reader: load_repo (read + check + resolve)", f"{loaded * 1000:,.0f} ms")


def strict_vs_default(report: Callable[[str, str], None], root: Path) -> None:
    rendering = render(load_repo(root))
    corpus = root / "corpus"
    docs = 0
    for f in rendering.files:
        if f.path.endswith(".yaml") and not f.path.endswith("kustomization.yaml") and docs < CORPUS_DOCUMENTS:
            target = corpus / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.content)
            docs += len(reader.load_plain(f.content.decode()))

    def validate(*flags: str) -> float:
        args = ["validate", "--kubernetes-version", "1.31", *flags, "-o", "json", str(corpus)]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return _best(lambda: cli(args), repeat=2)

    validate()  # compile the validators once for both
    default, strict = validate(), validate("--strict")
    report("reader: validate PATH, default / --strict",
           f"{docs / default:,.0f} / {docs / strict:,.0f} docs/s on {docs:,} documents "
           f"(--strict {strict / default:.2f}x the time, target <= 1.2x)")
    import yaml
    from ruamel.yaml import YAML

    texts = [p.read_text() for p in corpus.rglob("*.yaml")]
    plain = _best(lambda: [reader.load_plain(t) for t in texts])
    old = _best(lambda: [list(yaml.load_all(t, Loader=yaml.CSafeLoader)) for t in texts])
    report("reader: manifests, ours / yaml.CSafeLoader (old)",
           f"{docs / plain:,.0f} / {docs / old:,.0f} docs/s ({old / plain:.1f}x faster)")
    sample = texts[: max(1, len(texts) // 10)]
    ours = _best(lambda: [reader.load_plain(t, strict=True) for t in sample])
    pure = _best(lambda: [list(YAML(typ="safe", pure=True).load_all(t)) for t in sample], repeat=1)
    report("reader: --strict reading, ours / ruamel pure (old)",
           f"{len(sample)} files: {ours * 1000:,.0f} ms / {pure * 1000:,.0f} ms ({pure / ours:,.0f}x faster)")


BOMBS = {
    "[[[[ 100,000 deep": "[" * 100_000,
    "{a: {a: 100,000 deep": "{a: " * 100_000,
    "- - - 100,000 deep": "- " * 100_000 + "x\n",
    "billion laughs": "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)),
}


def bombs(report: Callable[[str, str], None], root: Path) -> None:
    slowest = 0.0
    for name, text in BOMBS.items():
        for load in (reader.load_plain, reader.load_positioned):
            start = time.perf_counter()
            with contextlib.suppress(reader.YamlError):
                load(text, "bomb.yaml")
            slowest = max(slowest, time.perf_counter() - start)
        report(f"reader: refusing {name}", f"{_refusal_ms(text):.1f} ms (target < 100 ms)")
    start = time.perf_counter()
    with contextlib.suppress(reader.YamlError):
        reader.load_json("[" * 100_000 + "]" * 100_000, "deep.json")
    report("reader: refusing JSON 100,000 deep", f"{(time.perf_counter() - start) * 1000:.1f} ms (target < 100 ms)")
    path = root / "lol.yaml"
    path.write_text(BOMBS["billion laughs"])
    args = ["validate", "--kubernetes-version", "1.31", str(path)]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        whole = _best(lambda: cli(args))
    report("reader: whole `validate PATH` of a billion laughs", f"{whole * 1000:.0f} ms (exit 1, located)")
    report("reader: slowest refusal, both profiles", f"{slowest * 1000:.1f} ms")


def _refusal_ms(text: str) -> float:
    start = time.perf_counter()
    try:
        reader.load_plain(text, "bomb.yaml")
    except reader.YamlError:
        return (time.perf_counter() - start) * 1000
    raise AssertionError("a bomb was accepted")


def fuzz(report: Callable[[str, str], None], root: Path) -> None:
    from tests.conftest import copy_example
    from tests.test_loader_fuzz import MUTATIONS, REPO_FILES, Chooser, check_mutant, mutate

    repo = copy_example(root / "fuzz")
    pristine = root / "pristine"
    shutil.copytree(repo / "rendered", pristine, symlinks=True)
    names = sorted(MUTATIONS)
    slowest = (0.0, "")
    start = time.perf_counter()
    for seed in range(FUZZ_MUTANTS):
        pick = Chooser(seed=seed)
        file, chosen = REPO_FILES[seed % len(REPO_FILES)], [names[seed % len(names)]]
        if seed % 3 == 0:
            chosen.append(pick.one(names))
        mutant = mutate((repo / file).read_text(encoding="utf-8"), chosen, seed % 7 == 0, pick)
        began = time.perf_counter()
        check_mutant(repo, pristine, file, mutant)
        took = time.perf_counter() - began
        slowest = max(slowest, (took, f"{'+'.join(chosen)} on {file} (seed {seed})"))
    total = time.perf_counter() - start
    report("reader: loader fuzz (full render per mutant, all checks)",
           f"{FUZZ_MUTANTS / total:,.1f} mutants/s ({FUZZ_MUTANTS} mutants, 0 internal errors)")
    report("reader: slowest mutant", f"{slowest[0] * 1000:,.0f} ms: {slowest[1]}")


def run(report: Callable[[str, str], None]) -> None:
    root = scratch() / "reader"
    shutil.rmtree(root, ignore_errors=True)
    fleet = write_fleet(root / "fleet")
    try:
        blueprints(report, fleet)
        strict_vs_default(report, fleet)
        bombs(report, root)
        fuzz(report, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
