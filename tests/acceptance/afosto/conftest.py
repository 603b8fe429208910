"""Makes this folder's support modules (`afosto_seed`, `afosto_walk`) importable by the tests here."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
