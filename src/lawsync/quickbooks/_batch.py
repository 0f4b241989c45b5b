"""Batch operations: what to send (``BatchOperation``) and what came back (``BatchResult``).

A batch is not a transaction: each item succeeds or fails alone, and answers may come back in
any order, so results are matched on ``bId`` and returned in the order the operations were given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ._errors import PermanentError, QuickBooksError, _from_mapping, build_error
from ._models import Entity, entity_class

__all__ = ["MAX_BATCH_ITEMS", "BatchOperation", "BatchResult"]

MAX_BATCH_ITEMS = 30

Operation = Literal["create", "update", "delete", "void", "query"]


@dataclass(frozen=True, slots=True)
class BatchOperation:
    """One item of a batch; build it with the class methods."""

    operation: Operation
    entity: Entity | None = None
    statement: str | None = None
    sparse: bool = False

    @classmethod
    def create(cls, entity: Entity) -> BatchOperation:
        return cls("create", entity)

    @classmethod
    def update(cls, entity: Entity, *, sparse: bool = False) -> BatchOperation:
        return cls("update", entity, sparse=sparse)

    @classmethod
    def delete(cls, entity: Entity) -> BatchOperation:
        return cls("delete", entity)

    @classmethod
    def void(cls, entity: Entity) -> BatchOperation:
        return cls("void", entity)

    @classmethod
    def query(cls, statement: str) -> BatchOperation:
        return cls("query", statement=statement)

    def to_item(self, bid: str) -> dict[str, Any]:
        if self.operation == "query":
            return {"bId": bid, "Query": self.statement}
        if self.entity is None:
            raise ValueError(f"a batch {self.operation} needs an entity")
        name = type(self.entity).entity_name
        if self.operation in ("delete", "void"):
            body: dict[str, Any] = {"Id": self.entity.Id, "SyncToken": self.entity.SyncToken}
        else:
            body = self.entity.model_dump(exclude_unset=True)
            if self.sparse:
                body["sparse"] = True
        return {"bId": bid, "operation": self.operation, name: body}


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The answer to one operation: an entity, query rows, or an error."""

    bid: str
    operation: BatchOperation
    entity: Entity | None = None
    rows: list[Entity] = field(default_factory=list)
    error: QuickBooksError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def build_batch(operations: Sequence[BatchOperation]) -> dict[str, Any]:
    if not operations:
        raise ValueError("a batch needs at least one operation")
    if len(operations) > MAX_BATCH_ITEMS:
        raise ValueError(f"QBO accepts at most {MAX_BATCH_ITEMS} operations per batch")
    return {"BatchItemRequest": [op.to_item(str(i)) for i, op in enumerate(operations, 1)]}


def rows_of(query_response: Mapping[str, Any]) -> list[Entity]:
    rows: list[Entity] = []
    for key, value in query_response.items():
        cls = entity_class(key)
        if cls is not None and isinstance(value, list):
            rows.extend(cls.model_validate(v) for v in value)
    return rows


def read_batch(
    document: Mapping[str, Any], operations: Sequence[BatchOperation], *, intuit_tid: str | None
) -> list[BatchResult]:
    answers = {str(item.get("bId")): item for item in document.get("BatchItemResponse") or []}
    results = []
    for i, op in enumerate(operations, 1):
        bid = str(i)
        item = answers.get(bid)
        if item is None:
            error: QuickBooksError = PermanentError(
                f"no answer for batch item {bid}", request="POST /batch"
            )
            results.append(BatchResult(bid, op, error=error))
            continue
        fault = item.get("Fault") or item.get("fault")
        if isinstance(fault, Mapping):
            fault_type, errors = _from_mapping(fault)
            error = build_error(
                400, fault_type, errors, intuit_tid=intuit_tid, request=f"POST /batch bId={bid}"
            )
            error.http_status = None
            results.append(BatchResult(bid, op, error=error))
        elif "QueryResponse" in item:
            results.append(BatchResult(bid, op, rows=rows_of(item["QueryResponse"] or {})))
        else:
            entity = None
            for key, value in item.items():
                cls = entity_class(key)
                if cls is not None and isinstance(value, Mapping):
                    entity = cls.model_validate(value)
                    entity.answered(intuit_tid)
                    break
            results.append(BatchResult(bid, op, entity=entity))
    return results
