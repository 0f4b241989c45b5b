"""Bring a database's schema up to date with Alembic; the app does this on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from lawsync.practice.cheque_numbers import ensure_unique_index
from lawsync.storage import make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine_or_url: Engine | str) -> None:
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        # Left out by 0005 while old books held duplicate cheque numbers: build it once they don't.
        ensure_unique_index(conn)
    if isinstance(engine_or_url, str):
        engine.dispose()
