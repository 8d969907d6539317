#!/usr/bin/env bash
# Build the one-folder frozen tbdesk with PyInstaller, then smoke-test it: offscreen, --sandbox, the window
# shows data, clean exit. Usage: packaging/build_frozen.sh [PYTHON]  (default: .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-.venv/bin/python}"
OUT="build/frozen"
"$PY" -m pip install -q "pyinstaller>=6.5"
start=$(date +%s)
# PyInstaller's cache of stripped binaries lives in the user's home by default; two builds at once (two
# clones, or a test and a developer) wrote the same entry and left a truncated libQt6Gui that crashed on load.
export PYINSTALLER_CONFIG_DIR="$PWD/build/pyinstaller-config"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$OUT" --workpath build/pyinstaller \
  packaging/tbdesk.spec
echo "built $OUT/tbdesk in $(( $(date +%s) - start )) s, $(du -sm "$OUT/tbdesk" | cut -f1) MB"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
# A clean HOME: the smoke test must not depend on anything of the developer's.
output=$(cd "$home" && HOME="$home" XDG_DATA_HOME="$home/data" QT_QPA_PLATFORM=offscreen \
  timeout 120 "$OLDPWD/$OUT/tbdesk/tbdesk" --sandbox --sandbox-db :memory: --exit-when-loaded 2>&1) || {
  echo "$output"; echo "frozen smoke test: tbdesk failed"; exit 1; }
echo "$output" | grep -q "tbdesk: loaded 6 accounts and 100 tests" || {
  echo "$output"; echo "frozen smoke test: the window did not show the sandbox's data"; exit 1; }
echo "frozen smoke test passed: $(echo "$output" | grep 'tbdesk: loaded')"
# ICU's data is trimmed (packaging/trim_icu.py): collation must still follow the locale.
"$OUT/tbdesk/tbdesk" --check-icu || { echo "frozen smoke test: ICU collation check failed"; exit 1; }
