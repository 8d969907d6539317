"""Frozen build, run before PyInstaller's own PySide6 run-time hook (custom hooks run first).

That hook imports PySide6.QtCore before tbdesk's entry point runs, so the start-up caches of PySide6's
compiled support code (tbdesk/signature_cache.py) and of the regular expressions it compiles
(tbdesk/regex_cache.py) are put in place here: the same import, with the caches.
"""

from tbdesk.regex_cache import regexes_once
from tbdesk.signature_cache import compiled_once

with regexes_once("pyside-import"), compiled_once():
    import PySide6.QtCore  # noqa: F401
