"""The main window's form compiled by PySide6's uic into the user's cache, as __pycache__ holds compiled
modules: ~10 ms of start-up less than QUiLoader's first use (issue #16), and no generated file in the
repository that could go stale. ui/ stays the one source, edited in Designer.

A cached module is named by a hash of the .ui file's content, the PySide6 version and FORMAT, so an edited
form or an upgraded PySide6 compiles afresh (the old module is removed). Any failure (no uic, as in the frozen
build; a cache folder that cannot be written, or that others could write to; a broken cache file) falls back
to QUiLoader: same widgets.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import logging
import sys
from pathlib import Path
from typing import Protocol, cast

import PySide6
from PySide6.QtCore import QByteArray, QCryptographicHash, QStandardPaths
from PySide6.QtWidgets import QWidget

from ..paths import data_root, ui_file
from ..private_folder import make_private, private, write_whole
from .forms import load_form

log = logging.getLogger(__name__)

FORMAT = 1  # part of the key: bump it when what compile_form writes changes


class Form(Protocol):
    def setupUi(self, widget: QWidget) -> None: ...


def cache_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)) / "forms"


def uic_path() -> Path:
    """PySide6's uic, where its own pyside6-uic launcher finds it."""
    root = Path(PySide6.__file__).resolve().parent
    return root / "uic.exe" if sys.platform == "win32" else root / "Qt" / "libexec" / "uic"


def cache_file(ui: Path, folder: Path) -> Path:
    key = QByteArray(ui.read_bytes() + f"\0{PySide6.__version__}\0{FORMAT}".encode())
    digest = bytes(QCryptographicHash.hash(key, QCryptographicHash.Algorithm.Sha256).toHex().data()).decode()
    return folder / f"{ui.stem}-{digest[:20]}.py"


def bundled_folder() -> Path:
    """Forms compiled when the frozen build was made (it has no uic): packaging/tbdesk.spec writes them with
    bundle_form(). Named like the cache's, so a form that does not match the build's .ui is never used."""
    return data_root() / "forms"


def bundle_form(ui: Path, folder: Path) -> Path:
    """Compile `ui` into `folder` for a frozen build."""
    return compile_form(ui, cache_file(ui, folder))


def load(name: str, parent: QWidget | None = None, folder: Path | None = None) -> QWidget:
    """ui/<name> as a widget: the frozen build's compiled form, else the one in the cache (compiled now if
    missing), else QUiLoader."""
    try:
        ui = ui_file(name)
        bundled = cache_file(ui, bundled_folder())
        form = (
            import_form(bundled)
            if folder is None and bundled.is_file()
            else compiled_form(ui, folder or cache_folder())
        )
        content = QWidget(parent)
        try:
            form.setupUi(content)
        except BaseException:
            content.setParent(None)
            content.deleteLater()
            raise
        return content
    except Exception as exc:  # a missing uic is expected (frozen build); anything else is worth a note
        log.debug("compiled form %s unavailable (%s); using QUiLoader", name, exc)
        return load_form(name, parent)


def compiled_form(ui: Path, folder: Path) -> Form:
    real = private(folder)  # its real path: a link re-pointed after the check is not followed
    if real is not None and (target := cache_file(ui, real)).is_file():
        with contextlib.suppress(Exception):  # a damaged cache file (a full disk, an edit): compiled again
            return import_form(target)
    return import_form(compile_form(ui, cache_file(ui, folder)))


def import_form(target: Path) -> Form:
    spec = importlib.util.spec_from_file_location(f"tbdesk_form_{target.stem.replace('-', '_')}", target)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {target}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # Python keeps its bytecode in the cache folder's __pycache__
    classes = [value for key, value in vars(module).items() if key.startswith("Ui_") and isinstance(value, type)]
    if len(classes) != 1:
        raise ImportError(f"{target} has no single Ui_ class")
    return cast(Form, classes[0]())


def compile_form(ui: Path, target: Path) -> Path:
    """Run uic on `ui` and write the module to `target` (atomically: another tbdesk may be starting too);
    earlier modules of the same form are removed. Where it was written (the folder's real path)."""
    import py_compile

    from PySide6.QtCore import QProcess  # only when compiling: ~0.5 ms less on every other start

    uic = uic_path()
    if not uic.is_file():
        raise FileNotFoundError(f"no uic at {uic}")
    process = QProcess()
    process.start(str(uic), ["-g", "python", str(ui)])
    if not process.waitForFinished(10_000) or process.exitStatus() != QProcess.ExitStatus.NormalExit:
        process.kill()
        raise RuntimeError("uic did not finish")
    if process.exitCode() != 0:
        raise RuntimeError(f"uic failed: {bytes(process.readAllStandardError().data()).decode(errors='replace')[:500]}")
    source = only_used_imports(bytes(process.readAllStandardOutput().data()).decode("utf-8"))
    real = make_private(target.parent)
    if real is None:  # others could change the module before it is run
        raise PermissionError(f"{target.parent} is not this user's own folder")
    target = real / target.name
    write_whole(target, source.encode("utf-8"))
    # Its bytecode too, checked by the source's hash (not its time, which copying into a frozen build changes),
    # and written even where PYTHONDONTWRITEBYTECODE is set: else every start compiled the module again.
    py_compile.compile(
        str(target),
        cfile=importlib.util.cache_from_source(str(target)),
        doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
    )
    for old in target.parent.glob(f"{ui.stem}-*.py"):
        if old != target:
            with contextlib.suppress(OSError):
                old.unlink()
                Path(importlib.util.cache_from_source(str(old))).unlink(missing_ok=True)
    return target


def only_used_imports(source: str) -> str:
    """uic imports some 40 Qt classes whatever the form uses; the first use of each costs PySide6 0.1-1.5 ms
    (~5 ms in all). Keep only the names the module uses."""
    tree = ast.parse(source)
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    body: list[ast.stmt] = []
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom):
            statement.names = [alias for alias in statement.names if (alias.asname or alias.name) in used]
            if not statement.names:
                continue
        body.append(statement)
    tree.body = body
    return ast.unparse(tree) + "\n"
