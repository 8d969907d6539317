"""Entry point of the frozen build (PyInstaller needs a script, not a module)."""

import sys

if sys.argv[1:] == ["--check-icu"]:
    # build_frozen.sh: the trimmed ICU data (trim_icu.py) must still collate by locale.
    from PySide6.QtCore import QCollator, QLocale

    swedish = QCollator(QLocale("sv_SE")).compare("\u00e4", "z") > 0  # ä sorts after z in Swedish
    german = QCollator(QLocale("de_DE")).compare("\u00e4", "z") < 0  # and before it in German
    print("ICU collation follows the locale" if swedish and german else "ICU collation is broken")
    raise SystemExit(0 if swedish and german else 1)

from tbdesk.__main__ import main  # imported after the check, which must not need the app

raise SystemExit(main())
