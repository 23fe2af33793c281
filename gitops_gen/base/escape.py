"""One escaping function per output format, for every string that came from input, Git, a baseline or a
cluster (names, paths, values, messages that quote them).  Our own words are written as they are.

* ``text``: terminals, logs, CI output.  Control characters (ESC, OSC, BEL, CR, NEL ...), format
  characters (bidi overrides and isolates, zero-width characters, BOM), line and paragraph separators and
  lone surrogates are shown escaped (``\\x1b``, ``\\u202e``), so a value can neither drive the terminal,
  hide or reorder text, nor start a line.  A value starting with ``::`` (a GitHub Actions workflow
  command when it begins a line) has its first colon shown as ``\\x3a``.
* ``md``: GitHub Markdown.  The ``text`` form inside an inline code span whose fence is longer than any
  run of backticks in it, so nothing can close it: no HTML, no link, no ``@mention`` or ``#123``
  reference, no emphasis.  Pipes are escaped for table cells (GitHub unescapes them inside the span).
* ``html``: the ``text`` form with ``& < > " '`` escaped.
"""

from __future__ import annotations

import html as _html
import re
import unicodedata

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_CANDIDATE = re.compile(r"[\x00-\x1f\x7f-\U0010ffff]")  # anything but printable ASCII: checked one by one
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BACKTICKS = re.compile(r"`+")
_PIPE = re.compile(r"(\\*)\|")


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def text(value: object) -> str:
    """``value`` as one line of plain text that shows every character and controls nothing."""
    out = _CANDIDATE.sub(_escaped, str(value))
    stripped = out.lstrip()
    if stripped.startswith("::"):
        at = len(out) - len(stripped)
        out = out[:at] + "\\x3a" + out[at + 1:]
    return out


def lines(value: object) -> str:
    """Several lines of text (an error list), each line shown as ``text`` shows one."""
    return "\n".join(text(line) for line in str(value).split("\n"))


def md(value: object) -> str:
    """``value`` as a Markdown inline code span nothing inside can close, safe in a table cell."""
    shown = text(value)
    if not shown:
        return '""'
    # In a table, GitHub splits cells at a pipe with an even number of backslashes before it.
    shown = _PIPE.sub(lambda m: m.group(1) + ("\\|" if len(m.group(1)) % 2 == 0 else "\\\\|"), shown)
    longest = max((len(run) for run in _BACKTICKS.findall(shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown[0] in "` " or shown[-1] in "` " else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def html(value: object) -> str:
    """``value`` for HTML text or a quoted attribute."""
    return _html.escape(text(value), quote=True)
