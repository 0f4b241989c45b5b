"""Help pages show a flag as a flag: no `<bool>` beside options that take no value.

Typer 0.29's rich help prints the type of every option in its second column, flags included
(`--seed-demo <bool>`, even `--help <bool>`), which reads as if they wanted a value. Imported by
each command-line entry point; on a Typer without that behaviour it changes nothing.
"""

from __future__ import annotations

from typing import Any


def _install() -> None:
    try:
        from typer.core import TyperOption
    except ImportError:  # pragma: no cover - another Typer layout: nothing to correct
        return
    shown = getattr(TyperOption, "display_type_rich", None)
    if shown is None or getattr(shown, "_lawsync_flags", False):
        return

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) and not getattr(self, "count", False):
            return None
        result: str | None = shown(self, ctx)
        return result

    display_type_rich._lawsync_flags = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_install()
