from __future__ import annotations

import copy
from typing import Any

import pytest
from drift_support import FIXTURES

from gitops_gen.yamlio.reader import load_plain


@pytest.fixture()
def live_list() -> dict[str, Any]:
    """The noisy ``kubectl get -o yaml`` dump, as a mutable List to edit."""
    return copy.deepcopy(load_plain((FIXTURES / "live.yaml").read_text())[0])
