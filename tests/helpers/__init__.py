"""Shared test helpers: the sandbox in-process or as a process, the window harness, an in-memory keyring,
the leak check and the accessibility-tree walker. Test modules import from here, never from each other."""
