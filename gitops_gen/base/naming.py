"""The one home of the Kubernetes name rules: blueprints, validation and the render all ask here.

Each rule mirrors k8s.io/apimachinery/pkg/util/validation; named ``*_problem``, it returns ``None`` when the value is
valid, else why not.  Patterns are written without anchors and always applied with
``re.fullmatch``: ``$`` also matches before a final newline, so ``re.match("...$")`` would let
``"search\\n"`` through and put a newline into a file name (issue 12).  The unanchored text of each
pattern is what ``gitops_gen.blueprint.jsonschema`` anchors for editors.
"""

from __future__ import annotations

import re

from gitops_gen.base.errors import show

LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
LABEL_1035 = r"[a-z]([-a-z0-9]*[a-z0-9])?"
SUBDOMAIN = rf"{LABEL}(\.{LABEL})*"
QUALIFIED_NAME = r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
# label keys and values as one pattern each (length limits included), for blueprint specs and schemas
LABEL_KEY = r"([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
LABEL_VALUE = r"(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?"

_LABEL = re.compile(LABEL)
_LABEL_1035 = re.compile(LABEL_1035)
_SUBDOMAIN = re.compile(SUBDOMAIN)
_QUALIFIED = re.compile(QUALIFIED_NAME)

LABEL_WHY = "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending alphanumeric"


def label_problem(value: str) -> str | None:
    """Namespaces and every blueprint name (names become paths: this also keeps them in their folder)."""
    if not value:
        return "must not be empty"
    if len(value) > 63:
        return f"is {len(value)} characters long; at most 63 are allowed"
    if not _LABEL.fullmatch(value):
        return LABEL_WHY
    return None


def dns1035_problem(value: str) -> str | None:
    if len(value) > 63:
        return f"is {len(value)} characters long; at most 63 are allowed"
    if not _LABEL_1035.fullmatch(value):
        return "must be a DNS-1035 label: lower-case letters, digits and '-', starting with a letter"
    return None


def subdomain_problem(value: str) -> str | None:
    if len(value) > 253:
        return f"is {len(value)} characters long; at most 253 are allowed"
    if not _SUBDOMAIN.fullmatch(value):
        return ("must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.',"
                " starting and ending alphanumeric")
    return None


def segment_problem(value: str) -> str | None:
    if value in (".", ".."):
        return f"may not be {value!r}"
    if "/" in value or "%" in value:
        return "may not contain '/' or '%'"
    return None


def qualified_name_problem(key: str) -> str | None:
    """Label and annotation keys: ``[prefix/]name``, prefix a DNS subdomain, name <= 63 characters."""
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or subdomain_problem(prefix)):
        return "prefix must be a DNS-1123 subdomain"
    if not name:
        return "name part must not be empty"
    if len(name) > 63:
        return "name part must be no more than 63 characters"
    if not _QUALIFIED.fullmatch(name):
        return "name part must be alphanumerics, '-', '_' or '.', starting and ending alphanumeric"
    return None


def label_value_problem(value: str) -> str | None:
    if len(value) > 63:
        return "must be no more than 63 characters"
    if value and not _QUALIFIED.fullmatch(value):
        return "must be empty or alphanumerics, '-', '_' or '.', starting and ending alphanumeric"
    return None


def shown(value: object, limit: int = 80) -> str:
    """A value for an error message: control characters escaped, long values cut (``errors.show``)."""
    return show(value, limit)
