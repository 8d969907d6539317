"""The main window's form compiled by uic into the user's cache (gui/form_cache.py): the same widgets as
QUiLoader builds, never a stale or broken cache file, and QUiLoader whenever compiling is impossible."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QLayout, QLineEdit, QTabBar, QTabWidget, QWidget

from tbdesk.gui import form_cache, forms
from tbdesk.paths import ui_file

pytestmark = pytest.mark.skipif(not form_cache.uic_path().is_file(), reason="this PySide6 has no uic")


def described(root: QWidget) -> dict[str, tuple[object, ...]]:
    """Every named widget and layout with what a user sees of it and where it sits."""
    out: dict[str, tuple[object, ...]] = {}
    for widget in root.findChildren(QWidget):
        name = widget.objectName()
        if not name or name.startswith("qt_") or isinstance(widget.parentWidget(), QTabBar):
            continue  # Qt's own inner widgets: the tab widget's bar and page stack, the bar's scroll buttons
        seen: tuple[object, ...] = (
            widget.metaObject().className(),
            widget.parentWidget().objectName() if widget.parentWidget() else None,
            widget.isHidden(),
            widget.minimumWidth(),
            widget.toolTip(),
        )
        if isinstance(widget, QLabel):
            buddy = widget.buddy()
            seen += (widget.text(), widget.textFormat(), widget.wordWrap(), buddy.objectName() if buddy else None)
        if isinstance(widget, QLineEdit):
            seen += (widget.placeholderText(), widget.isClearButtonEnabled())
        if isinstance(widget, QAbstractButton):
            seen += (widget.text(),)
        if isinstance(widget, QTabWidget):
            seen += (tuple(widget.tabText(i) for i in range(widget.count())), widget.documentMode())
        out[name] = seen
    for layout in root.findChildren(QLayout):
        if not layout.objectName():
            continue  # Qt's own (inside the tab widget)
        margins = layout.contentsMargins()
        out[layout.objectName()] = (
            layout.metaObject().className(),
            (margins.left(), margins.top(), margins.right(), margins.bottom()),
            layout.count(),
        )
    return out


def quiloader_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def load_form(name: str, parent: QWidget | None = None) -> QWidget:
        calls.append(name)
        return forms.load_form(name, parent)

    monkeypatch.setattr(form_cache, "load_form", load_form)
    return calls


def test_the_compiled_main_window_has_the_widgets_quiloader_builds(qapp, tmp_path, monkeypatch):
    calls = quiloader_calls(monkeypatch)
    compiled = form_cache.load("main_window.ui", folder=tmp_path)
    assert calls == []
    assert [p.name for p in tmp_path.glob("main_window-*.py")], "nothing was cached"
    expected = described(forms.load_form("main_window.ui"))
    assert "accountsView" in expected and "startedByLabel" in expected  # the comparison sees the form
    assert described(compiled) == expected


def test_a_second_start_uses_the_cache_without_running_uic(qapp, tmp_path, monkeypatch):
    form_cache.load("main_window.ui", folder=tmp_path)
    monkeypatch.setattr(form_cache, "uic_path", lambda: tmp_path / "no-uic")  # compiling would now fail
    calls = quiloader_calls(monkeypatch)
    content = form_cache.load("main_window.ui", folder=tmp_path)
    assert calls == []
    assert content.findChild(QLineEdit, "filterEdit") is not None


FORM = """<?xml version="1.0" encoding="UTF-8"?>
<ui version="4.0">
 <class>Probe</class>
 <widget class="QWidget" name="Probe">
  <layout class="QVBoxLayout" name="layout">
   <item><widget class="QLabel" name="title"><property name="text"><string>{text}</string></property></widget></item>
  </layout>
 </widget>
</ui>
"""


def built(ui: Path, folder: Path) -> QWidget:
    widget = QWidget()
    form_cache.compiled_form(ui, folder).setupUi(widget)
    return widget


def test_an_edited_form_is_compiled_again_and_the_stale_module_removed(qapp, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # as on a user's machine
    ui, cache = tmp_path / "probe.ui", tmp_path / "cache"
    ui.write_text(FORM.format(text="Before"), "utf-8")
    assert built(ui, cache).findChild(QLabel, "title").text() == "Before"
    stale = list(cache.glob("probe-*.py"))
    assert Path(importlib.util.cache_from_source(str(stale[0]))).exists()
    ui.write_text(FORM.format(text="After"), "utf-8")
    assert built(ui, cache).findChild(QLabel, "title").text() == "After"
    fresh = list(cache.glob("probe-*.py"))
    assert len(stale) == len(fresh) == 1 and stale != fresh
    assert not Path(importlib.util.cache_from_source(str(stale[0]))).exists()  # nor its bytecode


def test_another_pyside6_version_compiles_afresh(qapp, tmp_path, monkeypatch):
    ui = tmp_path / "probe.ui"
    ui.write_text(FORM.format(text="Same"), "utf-8")
    before = form_cache.cache_file(ui, tmp_path)
    monkeypatch.setattr(form_cache.PySide6, "__version__", "9.9.9")
    after = form_cache.cache_file(ui, tmp_path)
    assert after != before
    assert built(ui, tmp_path).findChild(QLabel, "title").text() == "Same"
    assert list(tmp_path.glob("probe-*.py")) == [after]


def test_a_damaged_cache_file_is_compiled_again(qapp, tmp_path, monkeypatch):
    target = form_cache.cache_file(ui_file("main_window.ui"), tmp_path)
    target.write_text("class Ui_MainContent(object):\n    def setupUi(self, w", "utf-8")  # cut short
    calls = quiloader_calls(monkeypatch)
    content = form_cache.load("main_window.ui", folder=tmp_path)
    assert calls == []
    assert content.findChild(QLineEdit, "filterEdit") is not None
    assert "def setupUi(self, MainContent)" in target.read_text("utf-8")


def test_without_uic_the_form_comes_from_quiloader(qapp, tmp_path, monkeypatch):
    monkeypatch.setattr(form_cache, "uic_path", lambda: tmp_path / "no-uic")  # as in the frozen build
    calls = quiloader_calls(monkeypatch)
    content = form_cache.load("main_window.ui", folder=tmp_path / "cache")
    assert calls == ["main_window.ui"]
    assert described(content) == described(forms.load_form("main_window.ui"))
    assert not (tmp_path / "cache").exists()


def test_the_compiled_form_keeps_its_bytecode_even_where_python_writes_none(qapp, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # PYTHONDONTWRITEBYTECODE=1, as on some machines
    form_cache.load("main_window.ui", folder=tmp_path)
    (module,) = tmp_path.glob("main_window-*.py")
    assert Path(importlib.util.cache_from_source(str(module))).is_file()  # not compiled again at each start


def test_the_frozen_build_uses_the_form_compiled_when_it_was_built(qapp, tmp_path, monkeypatch):
    bundled = tmp_path / "bundled"
    form_cache.bundle_form(ui_file("main_window.ui"), bundled)  # what packaging/tbdesk.spec does
    monkeypatch.setattr(form_cache, "bundled_folder", lambda: bundled)
    monkeypatch.setattr(form_cache, "uic_path", lambda: tmp_path / "no-uic")  # the frozen build has none
    monkeypatch.setattr(form_cache, "cache_folder", lambda: tmp_path / "cache")
    calls = quiloader_calls(monkeypatch)
    content = form_cache.load("main_window.ui")
    assert calls == [] and not (tmp_path / "cache").exists()
    assert described(content) == described(forms.load_form("main_window.ui"))
    # A form built from another .ui (an older build's file left behind) is never used: its name differs.
    for old in bundled.glob("*.py"):
        old.rename(old.with_name("main_window-0000000000.py"))
    content = form_cache.load("main_window.ui")
    assert calls == ["main_window.ui"]


def test_a_cache_folder_that_cannot_be_written_falls_back_to_quiloader(qapp, tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", "utf-8")
    calls = quiloader_calls(monkeypatch)
    content = form_cache.load("main_window.ui", folder=blocked / "forms")
    assert calls == ["main_window.ui"]
    assert content.findChild(QLineEdit, "filterEdit") is not None


def test_a_form_in_a_folder_others_can_write_to_is_never_run(qapp, tmp_path, monkeypatch):
    # XDG_CACHE_HOME may point at a shared place: a module another user put there must not run in tbdesk.
    folder = tmp_path / "forms"
    target = form_cache.cache_file(ui_file("main_window.ui"), folder)
    form_cache.load("main_window.ui", folder=folder)
    target.write_text(target.read_text("utf-8") + "\nraise SystemExit('planted')\n", "utf-8")
    folder.chmod(0o777)
    calls = quiloader_calls(monkeypatch)
    content = form_cache.load("main_window.ui", folder=folder)
    assert calls == ["main_window.ui"]  # neither the planted module nor a new one written there
    assert content.findChild(QLineEdit, "filterEdit") is not None
    assert "planted" in target.read_text("utf-8")


def test_a_form_below_a_folder_others_can_write_to_is_never_run(qapp, tmp_path, monkeypatch):
    # Whoever can write to a folder above ours can swap our folder for theirs after it was checked.
    shared = tmp_path / "shared"
    folder = shared / "tbdesk" / "forms"
    target = form_cache.cache_file(ui_file("main_window.ui"), folder)
    form_cache.load("main_window.ui", folder=folder)
    target.write_text(target.read_text("utf-8") + "\nraise SystemExit('planted')\n", "utf-8")
    shared.chmod(0o777)  # no sticky bit: others may rename what is in it
    calls = quiloader_calls(monkeypatch)
    content = form_cache.load("main_window.ui", folder=folder)
    assert calls == ["main_window.ui"]
    assert content.findChild(QLineEdit, "filterEdit") is not None
    shared.chmod(0o1777)  # as /tmp: others cannot move what is ours in it, so it is used again
    form_cache.compile_form(ui_file("main_window.ui"), target)  # mend the planted module
    calls.clear()
    form_cache.load("main_window.ui", folder=folder)
    assert calls == []


def test_only_the_qt_names_the_form_uses_are_imported():
    source = (
        "from PySide6.QtCore import QDate, QMetaObject, Qt\n"
        "from PySide6.QtGui import QBrush, QConicalGradient\n"
        "class Ui_X(object):\n"
        "    def setupUi(self, X):\n"
        "        X.setLayoutDirection(Qt.LeftToRight)\n"
        "        QMetaObject.connectSlotsByName(X)\n"
    )
    pruned = form_cache.only_used_imports(source)
    assert "from PySide6.QtCore import QMetaObject, Qt\n" in pruned
    assert "QtGui" not in pruned and "QDate" not in pruned
    namespace: dict[str, object] = {}
    exec(compile(pruned, "pruned", "exec"), namespace)
    assert "Ui_X" in namespace


def test_the_main_window_is_built_from_the_compiled_form(qapp, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    from tbdesk.gui.window import MainWindow

    monkeypatch.setattr(form_cache, "cache_folder", lambda: tmp_path)
    calls = quiloader_calls(monkeypatch)
    window = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    try:
        assert calls == []
        assert window.accounts_view.objectName() == "accountsView"
        assert list(tmp_path.glob("main_window-*.py"))
    finally:
        window.deleteLater()


def test_the_window_looks_the_same_as_with_quiloader(qapp, qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    from tbdesk.gui.views import Shell

    def screenshot(name: str) -> object:
        shell = Shell(QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))
        window = shell.window
        qtbot.addWidget(window)
        window.restore_layout()
        window.set_loading(True)
        window.show()
        qtbot.waitExposed(window)
        window.resize(1180, 760)
        qtbot.waitUntil(lambda: window.width() == 1180)
        return window.grab().toImage()

    monkeypatch.setattr(form_cache, "cache_folder", lambda: tmp_path / "cache")
    compiled = screenshot("compiled")
    calls = quiloader_calls(monkeypatch)
    monkeypatch.setattr(form_cache, "uic_path", lambda: tmp_path / "no-uic")
    monkeypatch.setattr(form_cache, "cache_folder", lambda: tmp_path / "empty")
    loaded = screenshot("loaded")
    assert calls == ["main_window.ui"]
    assert compiled == loaded
