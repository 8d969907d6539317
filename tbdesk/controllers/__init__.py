"""The window's behaviour, one role per module. tbdesk/app.py builds them and wires their signals.

- tasks.py        TaskRunner: every API call as a named asyncio task; busy state; `await runner.idle()`
- session.py      Session: sign-in (environment, keyring, dialog, sandbox), re-authentication, sign-out
- sync.py         Sync: the first screen, refresh and reconciliation, paging tests, usage, polling
- actions.py      AccountActions: add, rename, rotate, delete, each through its dialog
- reveal.py       CredentialDisplay: revealing and copying keys, secrets and snippets
- presenter.py    Presenter: view set-up and view state (counts, enabled actions, selection, menus)
- shutdown.py     Shutdown: closing the window cancels work, clears secrets, closes client and sandbox
- open_dialog.py  OpenDialog: the one action or sign-in dialog in use
- shared.py       Shared: the window, models, messages, runner and clipboard every controller may use
- lifecycle.py    CredentialLifecycle: Show filter (unused, past the policy), leaked-key triage, hand-over,
                  bulk rotation
- preferences.py  PreferencesControl: the Preferences dialog; timeouts, policy and poll interval applied at once
- activity.py     Activity: the "Last 14 days" sparklines and the Activity tab, computed off the event loop
- export.py       TestsExport: the shown (filtered) tests to a CSV file through a save dialog

Qt-free logic they use lives in tbdesk/core/. See docs/architecture.md.
"""
