"""Mechanisms that once had two copies which disagreed on edge inputs: one home each now."""

from __future__ import annotations

from gitops_gen.base.manifest import ObjectRef, ref_of
from gitops_gen.yamlio.emit import dump_document
from gitops_gen.yamlio.reader import load_plain
from gitops_gen.yamlio.scalars import json_key


def test_the_identity_of_a_broken_document_is_read_one_way() -> None:
    assert ref_of({"kind": "ConfigMap", "metadata": "not a mapping"}) == ObjectRef("", "ConfigMap", "", "")
    assert ref_of({"apiVersion": None, "kind": ["x"], "metadata": {"name": 123, "namespace": True}}) == \
        ObjectRef("", "", "", "123")


def test_a_key_that_is_not_text_is_written_and_read_as_the_same_string() -> None:
    for key in (1.0, 1.5, -0.0, 10**20, True, 7):
        written = dump_document({"m": {key: "v"}})
        assert load_plain(written) == [{"m": {json_key(key): "v"}}], written
    assert json_key(1.0) == "1"
