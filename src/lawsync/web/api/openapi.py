"""The OpenAPI document lists every answer an operation can give, refusals included.

FastAPI documents only the success and a 422 of its own shape. Every refusal of lawsync has one
shape, ``{"error": {"code", "message", "field"}}``, and may be any of the statuses below; they are
added to each operation so that a client generated from the document knows them all.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

REFUSALS = {
    "400": "The body is not JSON text (malformed_json).",
    "401": "No API token, or one that is unknown, expired or revoked (unauthorized).",
    "403": "The user's role may not do this (forbidden).",
    "404": "No such record in this firm (not_found).",
    "409": "The books forbid it, or someone changed the record at the same time.",
    "413": "The body is larger than the limit (too_large).",
    "422": "A value is missing, of the wrong kind or out of bounds; `field` names it.",
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "field"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "description": "A stable, machine-readable code."},
                "message": {"type": "string", "description": "What is wrong, and what to do."},
                "field": {
                    "anyOf": [{"type": "string"}, {"type": "null"}],
                    "description": "The field at fault, dotted for nested ones, or null.",
                },
            },
        }
    },
}


def document(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["Error"] = ERROR_SCHEMA
    reply = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in schema.get("paths", {}).items():
        refusals = dict(REFUSALS)
        if path.startswith("/api/v1/quickbooks") or path.endswith("/reconciliation"):
            refusals["503"] = "QuickBooks Online cannot be reached now (quickbooks_unavailable)."
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in refusals.items():
                responses[status] = {"description": description, "content": reply}
    app.openapi_schema = schema
    return schema


def install(app: FastAPI) -> None:
    app.openapi = lambda: document(app)  # type: ignore[method-assign]
