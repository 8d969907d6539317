"""Entry point of the frozen build (PyInstaller needs a script, not a module)."""

from tbdesk.__main__ import main

raise SystemExit(main())
