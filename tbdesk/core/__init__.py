"""Qt-free application logic: plain functions and data the controllers use, unit-tested without a window.

Nothing here imports PySide6 or httpx; it may use tbdesk.api's data classes and errors.
"""
