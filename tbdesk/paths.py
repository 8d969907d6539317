"""Where tbdesk's data files are: ui/ layouts and resources/ (icons, desktop metadata).

A source checkout has them at the top of the repository; a wheel carries them in tbdesk/data/; a frozen
build unpacks them next to the executable. The first that exists wins.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    candidates = [_PACKAGE / "data", _PACKAGE.parent]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "tbdesk" / "data")
    for root in candidates:
        if (root / "ui").is_dir() and (root / "resources").is_dir():
            return root
    raise FileNotFoundError("tbdesk's ui/ and resources/ folders were not found; the installation is incomplete.")


def ui_file(name: str) -> Path:
    return data_root() / "ui" / name


def resource(*parts: str) -> Path:
    return data_root().joinpath("resources", *parts)
