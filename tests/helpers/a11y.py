"""Reading Qt's accessibility tree in-process, as a screen reader would see it through the platform bridge."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleInterface

# Roles a user can land on or act on; a plain label or a layout pane is not asked for a name.
ACTIONABLE_ROLES = {
    QAccessible.Role.PushButton,
    QAccessible.Role.ButtonMenu,
    QAccessible.Role.ButtonDropDown,
    QAccessible.Role.CheckBox,
    QAccessible.Role.RadioButton,
    QAccessible.Role.ComboBox,
    QAccessible.Role.EditableText,
    QAccessible.Role.SpinBox,
    QAccessible.Role.Slider,
    QAccessible.Role.Table,
    QAccessible.Role.List,
    QAccessible.Role.Tree,
    QAccessible.Role.Cell,
    QAccessible.Role.ColumnHeader,
    QAccessible.Role.MenuItem,
    QAccessible.Role.PageTab,
    QAccessible.Role.Link,
    QAccessible.Role.Dialog,
    QAccessible.Role.Window,
}


@dataclass(frozen=True)
class Node:
    role: QAccessible.Role
    name: str
    description: str
    path: str  # ancestors' roles and names, to say where an unnamed object sits
    focusable: bool
    actions: tuple[str, ...]
    object_name: str

    @property
    def actionable(self) -> bool:
        return self.focusable or bool(self.actions) or self.role in ACTIONABLE_ROLES


def walk(root: QObject, max_rows: int = 40) -> Iterator[Node]:
    """Every visible object under `root` in Qt's accessibility tree. A table's cells past `max_rows`
    rows are skipped: each row is built the same way, and a sandbox list has hundreds."""
    iface = QAccessible.queryAccessibleInterface(root)
    assert iface is not None and iface.isValid(), f"{root!r} is not in the accessibility tree"
    yield from _walk(iface, "", max_rows)


def _walk(iface: QAccessibleInterface, path: str, max_rows: int) -> Iterator[Node]:
    state = iface.state()
    if state.invisible:
        return
    action = iface.actionInterface()
    obj = iface.object()
    node = Node(
        role=iface.role(),
        name=iface.text(QAccessible.Text.Name).strip(),
        description=iface.text(QAccessible.Text.Description).strip(),
        path=path,
        focusable=bool(state.focusable),
        actions=tuple(action.actionNames()) if action is not None else (),
        object_name=obj.objectName() if obj is not None else "",
    )
    yield node
    here = f"{path} > {node.role.name}" + (f" {node.name!r}" if node.name else f" #{node.object_name}")
    table = iface.role() == QAccessible.Role.Table
    for i in range(iface.childCount()):
        child = iface.child(i)
        if child is None or not child.isValid():
            continue
        if table:
            cell = child.tableCellInterface()
            if cell is not None and cell.rowIndex() >= max_rows:
                continue
        yield from _walk(child, here, max_rows)


def unnamed(nodes: Iterator[Node] | list[Node]) -> list[str]:
    """Where each actionable object without a name sits."""
    return [f"{n.path} > {n.role.name} #{n.object_name}" for n in nodes if n.actionable and not n.name]


def names(nodes: Iterator[Node] | list[Node]) -> set[str]:
    return {n.name for n in nodes}
