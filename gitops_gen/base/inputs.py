"""Reading an input file safely: regular files only, a byte cap, UTF-8 text; every refusal located.

Every file a command reads as input goes through ``read_input``/``read_text`` (blueprints, manifests in
path mode, CRD files, ``--live-from`` and ``--desired``), so that a named pipe never blocks, ``/dev/zero``
never fills memory, and a directory or socket named like a file is a one-line error, not a traceback.
The file is opened without blocking and checked again after opening (it could have been swapped).

A file of the repository (work tree or a materialised revision) is read with ``root``: its real path
(``os.path.realpath``, every symlink on the way followed) must lie inside the real path of ``root``, so a
link, or a chain of links that each look harmless, cannot make a read open a file of the host.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path
from typing import IO

from gitops_gen.base.errors import InputError, Location

MAX_BLUEPRINT_BYTES = 1 << 20  # a blueprint is a page of YAML; a megabyte is a mistake, not a blueprint
MAX_INPUT_BYTES = 256 << 20  # manifests and cluster dumps: a 10,000-pod `kubectl get -o yaml` is ~100 MB
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_OTHER_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF16_LE, "UTF-16"),
               (codecs.BOM_UTF16_BE, "UTF-16"))


def within(path: Path, root: Path, name: str | None = None) -> None:
    """InputError (located at ``name``) unless ``path`` really is inside ``root``, symlinks followed."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    if real != top and not real.startswith(top.rstrip(os.sep) + os.sep):
        raise InputError("a symlink to a path outside the repository: every input must live in it",
                         Location(name or str(path), 1, 1))


def read_input(path: Path, name: str | None = None, limit: int = MAX_INPUT_BYTES, root: Path | None = None
               ) -> bytes:
    """The bytes of the regular file ``path`` (at most ``limit``); InputError located at ``name`` otherwise.

    With ``root``, a file whose real path is outside ``root`` is refused before it is opened."""
    where = Location(name or str(path), 1, 1)
    if root is not None:
        within(path, root, name)
    try:
        kind = _kind(os.stat(path).st_mode)
        if kind:
            raise InputError(f"{kind}, not a regular file: only files can be read as input", where)
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", where) from None
    try:
        with os.fdopen(fd, "rb") as file:
            kind = _kind(os.fstat(file.fileno()).st_mode)
            if kind:  # swapped between the check and the opening
                raise InputError(f"{kind}, not a regular file: only files can be read as input", where)
            data = file.read(limit + 1)
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", where) from None
    if len(data) > limit:
        raise InputError(f"file is larger than {limit:,} bytes: refused as input", where)
    return data


def read_text(path: Path, name: str | None = None, limit: int = MAX_INPUT_BYTES, root: Path | None = None
              ) -> str:
    """``read_input`` decoded as UTF-8 (see ``decode``)."""
    return decode(read_input(path, name, limit, root), name or str(path))


def read_stream(stream: IO[str] | IO[bytes], name: str, limit: int = MAX_INPUT_BYTES) -> str:
    """At most ``limit`` of a stream (stdin), decoded like a file."""
    binary = getattr(stream, "buffer", stream)
    data = binary.read(limit + 1)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > limit:
        raise InputError(f"larger than {limit:,} bytes: refused as input", Location(name, 1, 1))
    return decode(data, name)


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text without its byte-order mark; NUL bytes, other encodings and bad bytes are located errors."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    for bom, encoding in _OTHER_BOMS:
        if raw.startswith(bom):
            raise InputError(f"not a text file in UTF-8 (it is {encoding}): save it as UTF-8", Location(name, 1, 1))
    nul = raw.find(b"\0")
    if nul >= 0:
        raise InputError("not a text file (contains NUL bytes)", byte_location(name, raw, nul))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text (byte 0x{raw[err.start]:02x})", byte_location(name, raw, err.start)) from None


def byte_location(name: str, raw: bytes, index: int) -> Location:
    """Line and (byte) column of ``raw[index]``, so an encoding error points at the offending character."""
    return Location(name, raw.count(b"\n", 0, index) + 1, index - (raw.rfind(b"\n", 0, index) + 1) + 1)


def _kind(mode: int) -> str | None:
    return next((kind for test, kind in _KINDS if test(mode)), None) if not stat.S_ISREG(mode) else None
