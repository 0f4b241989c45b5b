"""`/time` and `/expenses`: the entries recorded against matters, new and edit forms, and the
deletion of an unbilled one after a confirmation step. Both kinds share one set of routes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from lawsync.errors import LawsyncError
from lawsync.practice.commands import (
    ExpenseEntryCreate,
    ExpenseEntryUpdate,
    TimeEntryCreate,
    TimeEntryUpdate,
)
from lawsync.practice.fields import IdParam
from lawsync.practice.models import CostType
from lawsync.practice.services import contacts, entries, firms
from lawsync.web.pages import session
from lawsync.web.pages.forms import (
    PAGE,
    an_id,
    drop_none,
    errors_of,
    every,
    every_category,
    matter_choices,
    optional,
    query_id,
    text,
    typed,
)
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
Search = Annotated[str, Query(max_length=100)]


@dataclass(frozen=True)
class Spec:
    """One kind of entry: its pages, its service calls, and its own fields."""

    path: str
    one: str  # "time entry"
    category_kind: str
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., None]
    get: Callable[..., Any]
    list: Callable[..., Any]
    create_cmd: type[BaseModel]
    update_cmd: type[BaseModel]
    amounts: tuple[str, str]  # hours and rate, or quantity and unit price

    @property
    def section(self) -> str:
        return self.path.strip("/")


TIME = Spec(
    "/time",
    "time entry",
    "activity",
    entries.create_time_entry,
    entries.update_time_entry,
    entries.delete_time_entry,
    entries.get_time_entry,
    entries.list_time_entries,
    TimeEntryCreate,
    TimeEntryUpdate,
    ("hours", "rate"),
)
EXPENSES = Spec(
    "/expenses",
    "expense entry",
    "expense",
    entries.create_expense_entry,
    entries.update_expense_entry,
    entries.delete_expense_entry,
    entries.get_expense_entry,
    entries.list_expense_entries,
    ExpenseEntryCreate,
    ExpenseEntryUpdate,
    ("quantity", "unit_price"),
)


def user_names(request: Request, me: Any) -> dict[int, str]:
    found = every(firms.list_users, request.app.state.ledger, me.actor)
    return {u.id: u.name for u in found}


def matter_numbers(request: Request, me: Any, ids: Iterable[int]) -> dict[int, str]:
    """The numbers of these matters (an unknown id shows as its number)."""
    wanted = set(ids)
    found = contacts.matter_numbers(request.app.state.ledger, me.actor, wanted)
    return {i: found.get(i, str(i)) for i in wanted}


def _choices(
    request: Request, me: Any, spec: Spec, shown: dict[str, Any], matter_q: str
) -> dict[str, Any]:
    ledger = request.app.state.ledger
    matters = matter_choices(ledger, me.actor, matter_q, shown.get("matter_id"), open_only=True)
    users = every(firms.list_users, ledger, me.actor)
    cats = every_category(ledger, me.actor, spec.category_kind)
    return {
        "matters": matters,
        "users": [(u.id, u.name) for u in users if u.active],
        "categories": [(c.id, c.name) for c in cats if c.active],
        "cost_types": [(c.value, f"{c.value.capitalize()} cost") for c in CostType],
    }


def _values(spec: Spec, form: Any, *, new: bool) -> dict[str, Any]:
    """The form as the command's input; an empty optional field is not sent."""
    quantity, price = spec.amounts
    values: dict[str, Any] = {
        "date": optional(form, "date"),
        quantity: optional(form, quantity),
        price: optional(form, price),
        "category_id": an_id(form, "category_id"),
        "description": text(form, "description") if new else form.get("description"),
    }
    if spec is EXPENSES:
        values["cost_type"] = optional(form, "cost_type")
        if not new:  # an expense's user may change (an imported cost's is the firm's owner)
            values["user_id"] = an_id(form, "user_id")
    if new:
        values |= {"matter_id": an_id(form, "matter_id"), "user_id": an_id(form, "user_id")}
        required = {"matter_id": values["matter_id"], "date": values["date"]}
        return drop_none(values) | required
    return drop_none(values)


def _form(
    request: Request,
    me: Any,
    spec: Spec,
    entry: Any,
    shown: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    matter_q: str = "",
) -> Response:
    return render(
        request,
        "entry_form.html",
        status,
        section=spec.section,
        spec=spec,
        entry=entry,
        shown=shown,
        errors=errors,
        names=user_names(request, me),
        numbers=matter_numbers(request, me, [entry.matter_id] if entry else []),
        **_choices(request, me, spec, shown, matter_q),
    )


def plain(value: Decimal) -> str:
    """1.5000 → "1.5", 100 → "100" (as typed, without trailing zeros)."""
    return format(value.normalize(), "f")


def _stored(spec: Spec, entry: Any) -> dict[str, Any]:
    quantity, price = spec.amounts
    shown = {
        "date": entry.date.isoformat(),
        quantity: plain(getattr(entry, quantity)),
        price: plain(getattr(entry, price)),
        "category_id": entry.category_id or "",
        "description": entry.description,
    }
    if spec is EXPENSES:
        shown["cost_type"] = entry.cost_type.value if entry.cost_type else ""
        shown["user_id"] = entry.user_id
    return shown


def _routes(spec: Spec) -> None:
    path, ident = spec.path, spec.section

    @router.get(path, response_class=HTMLResponse, name=f"{ident}_list")
    def list_page(
        request: Request,
        me: session.Me,
        matter: Annotated[str, Query(alias="matter_id", max_length=20)] = "",
        after: IdParam | None = None,
        said: Annotated[str, Query(max_length=200)] = "",
        matter_q: Search = "",
    ) -> Response:
        ledger = request.app.state.ledger
        matter_id = query_id(matter)
        page = spec.list(ledger, me.actor, after, PAGE, matter_id)
        shown = [e.matter_id for e in page.items] + ([matter_id] if matter_id else [])
        return render(
            request,
            "entries.html",
            section=spec.section,
            spec=spec,
            rows=page.items,
            next_cursor=page.next_cursor,
            matter_id=matter_id,
            query=f"matter_id={matter_id}" if matter_id else "",
            users=user_names(request, me),
            numbers=matter_numbers(request, me, shown),
            matters=matter_choices(ledger, me.actor, matter_q, matter_id),
            flash=said,
        )

    @router.get(path + "/new", response_class=HTMLResponse, name=f"{ident}_new")
    def new_page(
        request: Request,
        me: session.Me,
        matter_id: Annotated[str, Query(max_length=20)] = "",
        matter_q: Search = "",
    ) -> Response:
        chosen = query_id(matter_id)
        if chosen is not None:  # another firm's matter is not found
            contacts.get_matter(request.app.state.ledger, me.actor, chosen)
        shown = {"matter_id": matter_id, "user_id": me.actor.user_id or ""}
        return _form(request, me, spec, None, shown, {}, matter_q=matter_q)

    @router.post(path + "/new", response_class=HTMLResponse, name=f"{ident}_create")
    async def create(request: Request, me: session.Checked) -> Response:
        form = await request.form()
        try:
            cmd = spec.create_cmd.model_validate(_values(spec, form, new=True))
            entry = spec.create(request.app.state.ledger, me.actor, cmd)
        except (ValidationError, LawsyncError) as refused:
            errors, status = errors_of(refused)
            shown = typed(form)
            return _form(request, me, spec, None, shown, errors, status)
        said = f"The {spec.one} is saved ({me.formats.money(entry.amount)})."
        return RedirectResponse(f"/matters/{entry.matter_id}?said={said}", 303)

    @router.get(path + "/{entry_id}/edit", response_class=HTMLResponse, name=f"{ident}_edit")
    def edit_page(request: Request, me: session.Me, entry_id: IdParam) -> Response:
        entry = spec.get(request.app.state.ledger, me.actor, entry_id)
        return _form(request, me, spec, entry, _stored(spec, entry), {})

    @router.post(path + "/{entry_id}/edit", response_class=HTMLResponse, name=f"{ident}_save")
    async def save(request: Request, me: session.Checked, entry_id: IdParam) -> Response:
        ledger = request.app.state.ledger
        entry = spec.get(ledger, me.actor, entry_id)
        form = await request.form()
        try:
            cmd = spec.update_cmd.model_validate(_values(spec, form, new=False))
            spec.update(ledger, me.actor, entry_id, cmd)
        except (ValidationError, LawsyncError) as refused:
            errors, status = errors_of(refused)
            shown = typed(form)
            return _form(request, me, spec, entry, shown, errors, status)
        return RedirectResponse(f"/matters/{entry.matter_id}?said=The+{spec.one}+is+saved.", 303)

    @router.get(path + "/{entry_id}/delete", response_class=HTMLResponse, name=f"{ident}_ask")
    def confirm_page(request: Request, me: session.Me, entry_id: IdParam) -> Response:
        entry = spec.get(request.app.state.ledger, me.actor, entry_id)
        return render(
            request,
            "entry_delete.html",
            section=spec.section,
            spec=spec,
            entry=entry,
            users=user_names(request, me),
            numbers=matter_numbers(request, me, [entry.matter_id]),
            errors={},
        )

    @router.post(path + "/{entry_id}/delete", response_class=HTMLResponse, name=f"{ident}_delete")
    def delete(request: Request, me: session.Checked, entry_id: IdParam) -> Response:
        ledger = request.app.state.ledger
        entry = spec.get(ledger, me.actor, entry_id)
        try:
            spec.delete(ledger, me.actor, entry_id)
        except LawsyncError as refused:
            errors, status = errors_of(refused)
            return render(
                request,
                "entry_delete.html",
                status,
                section=spec.section,
                spec=spec,
                entry=entry,
                users=user_names(request, me),
                numbers=matter_numbers(request, me, [entry.matter_id]),
                errors=errors,
            )
        return RedirectResponse(f"/matters/{entry.matter_id}?said=The+{spec.one}+is+deleted.", 303)


_routes(TIME)
_routes(EXPENSES)
