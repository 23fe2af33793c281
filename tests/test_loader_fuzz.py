"""Fuzzing the loader with mutants of this repository's own blueprints (issue 12: no input reaches an internal error).

Each example takes a real blueprint file, applies one to three mutations of the kinds that once ended
in a traceback (merge keys, directives, tags, tagged and non-scalar keys, control characters, long keys,
huge and deep values, aliases, encodings) and runs the real ``gitops-gen render``.  The only acceptable
outcomes: success, or exit 2 with nothing but ``file:line:col: message`` lines and ``rendered/``
byte-identical.  A modest number of examples by default; ``-m slow`` runs thousands.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitops_gen.cli import run
from tests.conftest import copy_example, tree_digest

T = TypeVar("T")
LINE = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")
REPO_FILES = ("gitops.yaml", "blueprints/addons/platform-core.yaml", "blueprints/addons/observability.yaml",
              "blueprints/tenants/payments.yaml", "blueprints/tenants/checkout.yaml",
              "blueprints/tenants/search.yaml", "environments/dev.yaml", "environments/stage.yaml",
              "environments/prod.yaml")
KEY_LINE = re.compile(r"^(?P<indent>[ -]*)(?P<key>[A-Za-z][\w.-]*):(?P<rest>.*)$")


class Chooser:
    """Where a mutation's choices come from: hypothesis (searching, shrinking) or a seeded random (a fixed floor)."""

    def __init__(self, data: st.DataObject | None = None, seed: int = 0) -> None:
        self.data, self.random = data, random.Random(seed)

    def one(self, options: Sequence[T]) -> T:
        return self.data.draw(st.sampled_from(options)) if self.data else self.random.choice(options)

    def number(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high)) if self.data else self.random.randint(low, high)


def _key_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.split("\n")) if KEY_LINE.match(line)] or [0]


def _at_key(text: str, pick: Chooser, change: Callable[[re.Match[str]], str]) -> str:
    lines = text.split("\n")
    index = pick.one(_key_lines(text))
    match = KEY_LINE.match(lines[index])
    if match:
        lines[index] = change(match)
    return "\n".join(lines)


def merge_key(text: str, pick: Chooser) -> str:
    value = pick.one(["*base", "{a: 1}", "[{a: 1}, {b: 2}]", "1", "&base {x: y}"])
    return _at_key(text, pick, lambda m: f"{m['indent']}<<: {value}\n{m[0]}")


def directive(text: str, pick: Chooser) -> str:
    head = pick.one(["%YAML 1.3\n---\n", "%YAML 1.2\n---\n", "%YAML 1.1\n---\n", "%YAML 2.0\n---\n",
                                 "%TAG ! tag:example.com,2000:\n---\n", "%FOO bar\n---\n", "---\n", "...\n"])
    return head + text


def tag(text: str, pick: Chooser) -> str:
    name = pick.one(["!!omap", "!!set", "!!pairs", "!!binary", "!!python/object:os.system",
                                 "!!python/name:os.system", "!custom", "!", "!!str", "!!int", "!!float",
                                 "!!bool", "!!null", "!!map", "!!seq", "!!timestamp", "!!merge", "!<tag:x>"])
    return _at_key(text, pick, lambda m: f"{m['indent']}{m['key']}: {name}{m['rest']}")


def tagged_key(text: str, pick: Chooser) -> str:
    name = pick.one(["!!str", "!!int", "!!python/name:x", "!k", "!!null", "!!bool"])
    return _at_key(text, pick, lambda m: f"{m['indent']}{name} {m['key']}:{m['rest']}")


def non_scalar(text: str, pick: Chooser) -> str:
    form = pick.one(["[{k}]: 1", "{{{k}: 1}}: 2", "? [a, b]\n{i}: {k}", "{k}: {{a: 1}}",
                                 "{k}: [x]", "{k}: [[[]]]", "{k}:", "{k}: ~", "{k}: ''"])
    return _at_key(text, pick, lambda m: m["indent"] + form.format(k=m["key"], i=m["indent"].replace("-", " ")))


def control_character(text: str, pick: Chooser) -> str:
    char = pick.one([chr(c) for c in (*range(0, 32), *range(127, 160))] + ["\u2028", "\ufeff", "\ufffe",
                                                                                       "\ud7ff", "\U0001f600"])
    escaped = pick.one((False, True))
    if escaped:  # a legal YAML escape that puts the character into a value
        return _at_key(text, pick, lambda m: f'{m["indent"]}{m["key"]}: "x\\u{ord(char) & 0xFFFF:04x}y"')
    at = pick.number(0, len(text))
    return text[:at] + char + text[at:]


def long_key(text: str, pick: Chooser) -> str:
    size = pick.one([1025, 5000, 70_000])
    quoted = pick.one((False, True))
    key = f'"{"k" * size}"' if quoted else "k" * size
    return _at_key(text, pick, lambda m: f"{m['indent']}{key}: x\n{m[0]}")


def huge(text: str, pick: Chooser) -> str:
    size = pick.one([200_000, 1 << 20])
    return _at_key(text, pick, lambda m: f"{m['indent']}{m['key']}: {'v' * size}")


def deep(text: str, pick: Chooser) -> str:
    depth = pick.one([99, 101, 1000, 20_000, 100_000])
    opener = pick.one(["[", "{a: ", "- "])
    closer = {"[": "]", "{a: ": "}", "- ": ""}[opener]
    body = opener * depth + "x" + closer * depth
    return _at_key(text, pick, lambda m: f"{m['indent']}{m['key']}: {body}" if opener != "- " else
                   f"{m['indent']}{m['key']}:\n{m['indent']}  {body}")


def alias(text: str, pick: Chooser) -> str:
    return _at_key(text, pick, lambda m: f"{m['indent']}{m['key']}: &a{m['rest']}\n{m['indent']}zz: *a")


def encoding(text: str, pick: Chooser) -> bytes:
    how = pick.one(["utf-16", "utf-32", "latin-1-byte", "bom", "bom-middle", "nul", "cut"])
    raw = text.encode("utf-8")
    at = pick.number(0, len(raw))
    return {"utf-16": text.encode("utf-16"), "utf-32": text.encode("utf-32"), "latin-1-byte": raw[:at] + b"\xe9"
            + raw[at:], "bom": b"\xef\xbb\xbf" + raw, "bom-middle": raw[:at] + b"\xef\xbb\xbf" + raw[at:],
            "nul": raw[:at] + b"\0" + raw[at:], "cut": raw[:at]}[how]


def delete_or_duplicate(text: str, pick: Chooser) -> str:
    lines = text.split("\n")
    index = pick.number(0, len(lines) - 1)
    if pick.one((False, True)):
        del lines[index]
    else:
        lines.insert(index, lines[index])
    return "\n".join(lines)


MUTATIONS = {f.__name__: f for f in (merge_key, directive, tag, tagged_key, non_scalar, control_character,
                                     long_key, huge, deep, alias, delete_or_duplicate)}


@pytest.fixture(scope="module")
def fuzz_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of this repository to mutate, and a pristine copy of its rendered/ to restore from."""
    repo = copy_example(tmp_path_factory.mktemp("fuzz") / "repo")
    pristine = tmp_path_factory.mktemp("pristine") / "rendered"
    shutil.copytree(repo / "rendered", pristine, symlinks=True)
    return repo, pristine


def check_mutant(repo: Path, pristine: Path, file: str, mutated: str | bytes) -> None:
    """Render the repository with one file replaced: success or located errors, never anything else."""
    path = repo / file
    original = path.read_bytes()
    before = tree_digest(repo / "rendered")
    path.write_bytes(mutated.encode("utf-8", "surrogatepass") if isinstance(mutated, str) else mutated)
    try:
        with CliRunner().isolation() as streams:
            code = run(["render", "--repo", str(repo)])
        out = streams[0].getvalue().decode()
        err = (streams[1].getvalue() if streams[1] else b"").decode("utf-8", "backslashreplace")
    finally:
        path.write_bytes(original)
    assert code in (0, 2), f"exit {code}:\n{err}"
    if code == 2:
        assert out == ""
        assert tree_digest(repo / "rendered") == before, "a failed render changed rendered/"
        lines = err.splitlines()
        assert lines, "exit 2 without a message"
        for line in lines:
            assert LINE.match(line), f"not a `file:line:col: message` line: {line[:300]!r}"
            assert len(line) < 1000 and line.isprintable(), f"raw or huge input echoed: {line[:300]!r}"
    else:  # a mutant that is still a valid repository: put the original output back for the next one
        shutil.rmtree(repo / "rendered")
        shutil.copytree(pristine, repo / "rendered", symlinks=True)


mutants = st.tuples(st.sampled_from(REPO_FILES), st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=1,
                                                          max_size=3), st.booleans())


def mutate(text: str, names: Sequence[str], to_bytes: bool, pick: Chooser) -> str | bytes:
    for name in names:
        text = MUTATIONS[name](text, pick)
    return encoding(text, pick) if to_bytes else text


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow,
                                                                      HealthCheck.data_too_large])


def _search(fuzz_repo: tuple[Path, Path], mutant: tuple[str, list[str], bool], data: st.DataObject) -> None:
    file, names, to_bytes = mutant
    repo, pristine = fuzz_repo
    text = (repo / file).read_text(encoding="utf-8")
    check_mutant(repo, pristine, file, mutate(text, names, to_bytes and len(names) == 1, Chooser(data)))


@FAST
@given(mutants, st.data())
def test_loader_mutants_fail_cleanly_or_render(fuzz_repo: tuple[Path, Path],
                                               mutant: tuple[str, list[str], bool], data: st.DataObject) -> None:
    _search(fuzz_repo, mutant, data)


@pytest.mark.slow
@settings(FAST, max_examples=300)
@given(mutants, st.data())
def test_loader_mutants_fail_cleanly_or_render_many(fuzz_repo: tuple[Path, Path],
                                                    mutant: tuple[str, list[str], bool], data: st.DataObject) -> None:
    _search(fuzz_repo, mutant, data)


@pytest.mark.parametrize("mutation", [*sorted(MUTATIONS), "encoding"])
@pytest.mark.parametrize("seeds", [range(1), pytest.param(range(1, 5), marks=pytest.mark.slow)], ids=["1", "4"])
def test_every_mutation_kind_on_every_file(fuzz_repo: tuple[Path, Path], mutation: str, seeds: range) -> None:
    """A fixed floor under the random search: each kind of mutation on each file, seeded choices."""
    repo, pristine = fuzz_repo
    for file in REPO_FILES:
        text = (repo / file).read_text(encoding="utf-8")
        for seed in seeds:
            pick = Chooser(seed=seed)
            mutant = encoding(text, pick) if mutation == "encoding" else MUTATIONS[mutation](text, pick)
            check_mutant(repo, pristine, file, mutant)
