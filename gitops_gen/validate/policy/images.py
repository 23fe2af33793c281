"""Rule on container images in plain manifests: a tag that can move is a deploy nobody reviewed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from gitops_gen.base.manifest import Manifest
from gitops_gen.validate.objects import CONTAINER_FIELDS, Violation, mapping, pod_specs, sequence
from gitops_gen.validate.policy.context import PolicyContext


def image_tag(image: str) -> str | None:
    """The tag of an image reference; ``None`` when it has none (a ``:port`` in the registry is no tag)."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.rsplit(":", 1)[1] if ":" in last else None


def unpinned_image(image: str) -> str | None:
    """Why ``image`` floats, or ``None`` when it is pinned (a digest always pins)."""
    if not image:
        return "has no image"
    if "@" in image:
        return None
    tag = image_tag(image)
    if not tag:
        return f"image {image} has no tag (means latest)"
    if tag == "latest":
        return f"image {image} uses the latest tag"
    return None


def image_latest_or_untagged(objects: Sequence[Manifest], context: PolicyContext) -> Iterator[Violation]:
    for m in objects:
        for spec_path, spec in pod_specs(m):
            for field in CONTAINER_FIELDS:
                for index, container in enumerate(sequence(spec.get(field))):
                    why = unpinned_image(str(mapping(container).get("image") or ""))
                    if why:
                        name = mapping(container).get("name") or index
                        yield Violation(m, f"container {name}: {why}; pin a version tag or digest",
                                        f"{spec_path}.{field}[{index}].image")
