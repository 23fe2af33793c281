"""Kubernetes versions gitops-gen can validate against (those kubernetes-validate ships schemas for).

Kept as a literal so loading blueprints never imports the schema package; a test
keeps it equal to what the installed kubernetes-validate actually ships.
"""

from __future__ import annotations

SUPPORTED_VERSIONS: tuple[str, ...] = tuple(f"1.{minor}" for minor in range(25, 38))
