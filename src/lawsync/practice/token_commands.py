"""What a request to issue an API token may say: a label and how many days it lasts."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from lawsync.practice import fields
from lawsync.practice.commands import Command

DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366


class TokenCreate(Command):
    label: Annotated[str, fields.name(100)] = ""
    expires_in_days: Annotated[int, Field(strict=True, ge=1, le=MAX_TOKEN_DAYS)] = (
        DEFAULT_TOKEN_DAYS
    )
