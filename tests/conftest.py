"""Shared test fixtures: paths of the project's fixture files and of the optional shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The shared evaluation corpus (``../shared/corpus``); skips the test when it is absent."""
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not available")
    return corpus
