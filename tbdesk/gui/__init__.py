"""The Qt side of tbdesk: window, models, delegates, dialogs. Talks to the API only through app.py."""

from . import pyside_feature

pyside_feature.install()  # before the window's modules are imported: each one is checked as it is
