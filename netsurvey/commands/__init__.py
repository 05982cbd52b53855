"""CLI commands: each module here exposes ``register(subparsers)``.

``cli.py`` discovers the modules in this package (sorted by name), so adding a command
is adding a module; no central list to edit.
"""
