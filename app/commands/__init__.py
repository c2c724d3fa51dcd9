"""CLI sub-commands. Each module here exposes ``register(subparsers)``; ``app.cli`` discovers
them all, so adding a command never edits a central list."""
