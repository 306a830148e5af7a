"""The official SDK's vectors and keys under ``tests/data``, and loaders for them.

Test modules, helpers and benchmarks import these names from here; ``conftest.py``
holds only fixtures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
VECTORS = DATA / "vectors"
KEYS = VECTORS / "keys"
REAL_CERTS = DATA / "real-certs"
APP_ID = "2021000000000001"


def load_vector(name: str) -> dict[str, Any]:
    with open(VECTORS / f"{name}.json", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def key_text(name: str) -> str:
    return (KEYS / name).read_text(encoding="utf-8")
