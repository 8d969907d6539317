"""What every controller may use: the window, the models, the message bridge, the task runner and the
clipboard guard. One object, built once by the composition root, so a controller's constructor names only
what is particular to it."""

from __future__ import annotations

from dataclasses import dataclass

from ..gui.clipboard import ClipboardGuard
from ..gui.messages import MessageBridge
from ..gui.models import AccountsModel, TestsModel, TestsProxy
from ..gui.shown_accounts import AccountsProxy
from ..gui.window import MainWindow
from .open_dialog import OpenDialog
from .tasks import TaskRunner


@dataclass(frozen=True)
class Shared:
    window: MainWindow
    messages: MessageBridge
    runner: TaskRunner
    dialogs: OpenDialog
    clipboard: ClipboardGuard
    accounts: AccountsModel
    accounts_proxy: AccountsProxy
    tests: TestsModel
    tests_proxy: TestsProxy
