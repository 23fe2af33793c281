"""What every rule id means, for the formats that describe their rules (SARIF's ``tool.driver.rules``).

One entry per id: the policy (GG1xx) and reference (GG2xx) registries give theirs; the engine's own ids
are described here.  Each rule's help page is its heading in ``docs/rules.md`` (tests keep the two equal).
"""

from __future__ import annotations

from typing import NamedTuple

from gitops_gen.validate import findings as f
from gitops_gen.validate.policy import EXPIRED_EXCEPTION, EXPIRING_EXCEPTION, RULES
from gitops_gen.validate.references import REFERENCE_RULES

PROJECT_URL = "https://github.com/gitops-gen/gitops-gen"
RULES_DOC = "docs/rules.md"  # in the repository layout; SARIF links to its headings
RULES_URL = f"{PROJECT_URL}/blob/main/{RULES_DOC}"


class RuleDoc(NamedTuple):
    id: str
    name: str  # a short kebab-case name, stable like the id
    summary: str  # one sentence: what is wrong
    help: str  # why it matters / what to do

    @property
    def uri(self) -> str:
        return f"{RULES_URL}#{self.id.lower()}"


_ENGINE = {
    f.SCHEMA: ("schema", "The object does not match the Kubernetes or CRD schema of its target version.",
               "The API server rejects it; fix the field the message names."),
    f.NAMES: ("names", "A name, label or annotation key or value is not valid for Kubernetes.",
              "DNS-1123 names and label syntax are checked by the API server at apply time."),
    f.QUANTITY: ("quantity", "A resource quantity is not valid syntax.",
                 "Write quantities as Kubernetes does: 500m, 2, 1Gi."),
    f.ENUM: ("enum", "A value is outside the closed list the API server accepts for this field.",
             "The API server refuses the object; use one of the values the message lists."),
    f.REQUIRED_FIELD: ("required-field", "A field the API server requires is missing.",
                       "The schema does not mark it required, the API server does."),
    f.MISSING_SCHEMA: ("missing-schema", "No schema is known for this kind.",
                       "Add the CRD to crdDirs (gitops.yaml) or --crd-dir, or deploy it from an add-on."),
    f.REMOVED_API: ("removed-api", "The apiVersion is removed at the target Kubernetes version.",
                    "The cluster no longer serves it: move the object to the replacement API."),
    f.DEPRECATED_API: ("deprecated-api", "The apiVersion is deprecated at the target Kubernetes version.",
                       "It is still served; move to the replacement before the version that removes it."),
    f.INVALID_DOCUMENT: ("invalid-document", "A document cannot be read as a Kubernetes object.",
                         "Unparsable YAML, not a mapping, or missing kind/apiVersion."),
    f.CRD: ("crd", "A CustomResourceDefinition cannot be read or compiled.",
            "Its objects are then checked without that schema."),
    f.STALE: ("stale", "rendered/ differs from what the blueprints render.",
              "Run `gitops-gen render` and commit the result."),
    f.FOREIGN_FILE: ("foreign-file", "A file nobody rendered sits in a folder Argo CD applies as-is.",
                     "Argo CD would apply it; move it out of rendered/ or into a blueprint."),
    f.BLUEPRINT: ("blueprint", "The blueprints could not be loaded, so nothing was validated.",
                  "Fix the blueprint at the file, line and column given; every other check waits for it."),
    EXPIRED_EXCEPTION: ("policy-exception-expired", "A policy exception in gitops.yaml is past its expiry.",
                        "Fix the object or renew the exception with a new date and reason."),
    EXPIRING_EXCEPTION: ("policy-exception-expiring", "A policy exception lapses soon.",
                         "Fix the object or renew the exception before CI fails."),
}


def describe(rule: str) -> RuleDoc:
    """The description of ``rule``; an id nobody registered gets a plain one (never a crash)."""
    if rule in RULES:
        policy = RULES[rule]
        return RuleDoc(rule, policy.name, _sentence(policy.rationale), f"Policy rule {rule} ({policy.name}): "
                       f"{policy.rationale}. Severity and exceptions: gitops.yaml `policy:`.")
    if rule in REFERENCE_RULES:
        ref = REFERENCE_RULES[rule]
        return RuleDoc(rule, ref.name, _sentence(ref.rationale), f"Reference rule {rule} ({ref.name}): "
                       f"{ref.rationale}. Severity and exceptions: gitops.yaml `policy:`.")
    if rule in _ENGINE:
        name, summary, help_text = _ENGINE[rule]
        return RuleDoc(rule, name, summary, help_text)
    return RuleDoc(rule, rule, f"Finding {rule}.", f"See {RULES_DOC}.")


def every_rule() -> list[RuleDoc]:
    return [describe(rule) for rule in [*_ENGINE, *RULES, *REFERENCE_RULES]]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
