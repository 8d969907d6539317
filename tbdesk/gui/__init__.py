"""The Qt side of tbdesk: window, models, delegates, dialogs. Talks to the API only through app.py."""
