"""Frozen build, run before PyInstaller's own PySide6 run-time hook (custom hooks run first).

That hook imports PySide6.QtCore before tbdesk's entry point runs, so the start-up cache of PySide6's
compiled support code (tbdesk/signature_cache.py) is put in place here: the same import, with the cache.
"""

from tbdesk.signature_cache import compiled_once

with compiled_once():
    import PySide6.QtCore  # noqa: F401
