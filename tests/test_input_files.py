"""Inputs that are not regular files, or not text, or too big: refused in bounded time, one located line.

Named pipes would block forever, /dev/zero would fill memory, sockets and directories cannot be read:
every file a command reads goes through ``gitops_gen.base.inputs`` (stat before open, non-blocking open,
byte cap), so each is an error naming the file, whichever command meets it.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitops_gen.base.errors import InputError
from gitops_gen.base.inputs import decode, read_input, read_text
from gitops_gen.cli import run
from tests.conftest import copy_example

VALID = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: b}\ndata: {k: v}\n"


@pytest.fixture
def specials(tmp_path: Path) -> Iterator[dict[str, Path]]:
    """A named pipe, a socket, a folder and a character device (each refused when read as a file)."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock.yaml"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(sock_path))
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    yield {"named pipe": fifo, "socket": sock_path, "directory": folder, "character device": Path("/dev/zero")}
    sock.close()


@pytest.mark.parametrize("kind", ["named pipe", "socket", "directory", "character device"])
def test_only_regular_files_are_read(specials: dict[str, Path], kind: str) -> None:
    with pytest.raises(InputError) as caught:
        read_input(specials[kind], "x.yaml")
    assert str(caught.value) == f"x.yaml:1:1: a {kind}, not a regular file: only files can be read as input"


def test_a_file_over_the_cap_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 2000)
    assert read_input(big, limit=2000) == b"#" * 2000
    with pytest.raises(InputError, match="larger than 1,999 bytes"):
        read_input(big, limit=1999)


@pytest.mark.parametrize(("raw", "where", "says"), [
    (b"a: 1\nb: caf\xe9\n", "2:7", "not UTF-8 text (byte 0xe9)"),
    (b"a: 1\nb: x\x00y\n", "2:5", "contains NUL bytes"),
    ("a: 1\n".encode("utf-16"), "1:1", "(it is UTF-16)"),
    ("a: 1\n".encode("utf-32"), "1:1", "(it is UTF-32)"),
])
def test_text_that_is_not_utf8_is_located(raw: bytes, where: str, says: str) -> None:
    with pytest.raises(InputError) as caught:
        decode(raw, "t.yaml")
    assert str(caught.value).startswith(f"t.yaml:{where}: ") and says in str(caught.value)


def test_a_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_text(path) == "a: 1\n"


def _validate(*args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    with CliRunner().isolation() as streams:
        code = run(["validate", "--kubernetes-version", "1.31", *args])
    return code, streams[0].getvalue().decode(), (streams[1].getvalue() if streams[1] else b"").decode()


@pytest.mark.parametrize("kind", ["named pipe", "socket", "character device"])
def test_validate_path_refuses_special_files_as_findings(specials: dict[str, Path], kind: str) -> None:
    code, out, err = _validate(str(specials[kind]))
    assert code == 1 and "Traceback" not in out + err
    assert f"  1: error [invalid-document] a {kind}, not a regular file" in out


def test_validate_path_reports_deep_json_and_nested_lists_and_bombs_at_their_line(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    item = '{"apiVersion": "v1", "kind": "List", "items": ['
    (tmp_path / "lists.json").write_text(item * 3000 + "]}" * 3000)
    (tmp_path / "lists.yaml").write_text("kind: List\napiVersion: v1\nitems:\n" + "".join(
        "  " * i + "- kind: List\n" + "  " * i + "  items:\n" for i in range(300)))
    (tmp_path / "lol.yaml").write_text("kind: ConfigMap\napiVersion: v1\nmetadata: {name: lol}\n"
                                       "data:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
                                           f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
                                           for i in range(1, 10)))
    code, out, err = _validate(str(tmp_path))
    assert code == 1 and "Traceback" not in out + err and "RecursionError" not in out + err
    # 100,000 deep: recent libyaml stops at its own 1,000 while scanning ahead, older at our 200 limit
    assert re.search(r"deep\.json\n  1: error \[invalid-document\] YAML nested more than (200|1,000) levels deep", out)
    assert "error [invalid-document] YAML nested more than 200 levels deep" in out
    assert "error [invalid-document] aliases expand this document beyond 10x its size" in out


def _drift(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    with CliRunner().isolation() as streams:
        code = run(["drift", *args])
    return code, (streams[1].getvalue() if streams[1] else b"").decode() + streams[0].getvalue().decode()


@pytest.mark.parametrize("kind", ["named pipe", "socket", "character device"])
def test_live_from_refuses_special_files(specials: dict[str, Path], kind: str, tmp_path: Path) -> None:
    desired = tmp_path / "desired.yaml"
    desired.write_text(VALID)
    code, out = _drift("--desired", str(desired), "--live-from", str(specials[kind]))
    assert code == 2 and f"{specials[kind]}:1:1: a {kind}, not a regular file" in out


@pytest.mark.parametrize("content", ["", "# nothing here\n", "\n\n"])
def test_an_empty_live_from_file_is_reported_not_read_as_an_empty_cluster(tmp_path: Path, content: str) -> None:
    desired, live = tmp_path / "desired.yaml", tmp_path / "live.yaml"
    desired.write_text(VALID)
    live.write_text(content)
    code, out = _drift("--desired", str(desired), "--live-from", str(live))
    assert code == 2 and f"{live}:1:1: holds no YAML or JSON document" in out
    live.write_text("apiVersion: v1\nkind: List\nitems: []\n")  # an empty cluster says so
    assert _drift("--desired", str(desired), "--live-from", str(live))[0] == 1


def test_a_billion_laughs_dump_is_refused(tmp_path: Path) -> None:
    desired, live = tmp_path / "desired.yaml", tmp_path / "live.yaml"
    desired.write_text(VALID)
    live.write_text("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)))
    code, out = _drift("--desired", str(desired), "--live-from", str(live))
    assert code == 2 and "aliases expand this document" in out and f"{live}:" in out


def test_a_named_pipe_among_blueprints_is_an_error_not_a_hang(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "repo")
    os.mkfifo(repo / "blueprints/tenants/pipe.yaml")
    from click.testing import CliRunner

    with CliRunner().isolation() as streams:
        code = run(["render", "--repo", str(repo), "--check"])
    err = (streams[1].getvalue() if streams[1] else b"").decode()
    assert code == 2 and "blueprints/tenants/pipe.yaml:1:1: a named pipe, not a regular file" in err


def test_a_named_pipe_in_rendered_is_reported_by_render_check_and_validate(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "repo")
    victim = next(p for p in sorted((repo / "rendered").rglob("*.yaml")) if p.name != "kustomization.yaml")
    victim.unlink()
    os.mkfifo(victim)
    from click.testing import CliRunner

    for args in (["render", "--repo", str(repo), "--check"], ["validate", "--repo", str(repo)]):
        with CliRunner().isolation() as streams:
            code = run(args)
        out = streams[0].getvalue().decode() + (streams[1].getvalue() if streams[1] else b"").decode()
        assert code in (1, 2) and "Traceback" not in out, (args, out)
