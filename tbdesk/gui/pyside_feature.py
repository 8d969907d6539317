"""A cheaper answer to a question PySide6 asks of every module imported after it.

PySide6 records, for each newly imported module, whether its source says "PySide6" (its `__feature__`
switching, PYSIDE-2029), reading it with inspect.getsource: linecache decodes and keeps every line, ~0.1 ms a
module, ~5 ms for the fifty-odd modules imported before the first paint (issue #16). The same question is
answered here from the file's bytes. Anything else (no source file, an unreadable one, a PySide6 without this
function) keeps PySide6's own way.
"""

from __future__ import annotations

import sys
from types import ModuleType


def install() -> None:
    import PySide6.QtCore  # noqa: F401 - its loading makes the feature module (already loaded in tbdesk)

    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original) or getattr(original, "__module__", None) == __name__:
        return

    def _mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(original(module))

    feature._mod_uses_pyside = _mod_uses_pyside  # type: ignore[attr-defined]
