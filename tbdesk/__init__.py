"""tbdesk: a desktop admin tool for TestingBot service accounts."""

__version__ = "0.1.0"
