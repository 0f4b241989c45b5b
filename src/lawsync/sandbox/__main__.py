"""``python -m lawsync.sandbox``: the same commands as ``lawsync sandbox``."""

from .cli import app

app(prog_name="lawsync sandbox")
