"""The sandbox's own CPU time per operation, without HTTP: a load-insensitive companion to
sandbox_bench.py.

Run:  .venv/bin/python bench/sandbox_cpu.py

Calls the data-plane ``service`` functions directly on an in-memory company and reports the
median ``time.process_time`` of 1,000 creates and 30 queries of 1,000 rows. Process time
counts only this process's CPU, so other work on the machine barely moves it.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from lawsync.sandbox import service
from lawsync.sandbox.backend import Sandbox
from lawsync.sandbox.models import MODELS
from lawsync.sandbox.models.base import Ctx


def median_ms(fn: Callable[[], object], n: int) -> float:
    samples = []
    for _ in range(n):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    c = Sandbox().create_company("Bench", "plus", "US")
    counter = iter(range(10**9))
    none: frozenset[str] = frozenset()

    def customer() -> None:
        body = {"DisplayName": f"C{next(counter)}"}
        service.write(Ctx(company=c, now=time.time()), MODELS["Customer"], body, None, none)

    def invoice() -> None:
        line = {
            "Amount": 100,
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": {"value": "2"}},
        }
        body = {"CustomerRef": {"value": "1"}, "Line": [line]}
        service.write(Ctx(company=c, now=time.time()), MODELS["Invoice"], body, None, none)

    print(f"create Customer            {median_ms(customer, 1000):.3f} ms")
    print(f"create Invoice             {median_ms(invoice, 1000):.3f} ms")
    for entity in ("Customer", "Invoice"):
        text = f"SELECT * FROM {entity} MAXRESULTS 1000"
        took = median_ms(lambda t=text: service.query(c, t), 30)
        print(f"query 1,000 {entity} rows  {took:.3f} ms")


if __name__ == "__main__":
    main()
