"""What an unexpected failure leaves in the logs: where it happened, never what it was about.

An exception's message can quote the books (a database error repeats the row's values, a value
error the input), and the books hold client names and amounts. So a logged failure carries the
exception's type, the types of what caused it, and the code locations it went through (file,
line, function: source, never values), and nothing else.
"""

from __future__ import annotations

import traceback


def describe(error: BaseException, *, frames: int = 12) -> str:
    """`KeyError (caused by ValueError) at a.py:3 in f <- b.py:9 in g`, without any message."""
    kinds = [type(error).__name__]
    seen = {id(error)}
    cause = error.__cause__ or error.__context__
    while cause is not None and id(cause) not in seen and len(kinds) < 5:
        seen.add(id(cause))
        kinds.append(type(cause).__name__)
        cause = cause.__cause__ or cause.__context__
    where = [
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(error.__traceback__)[-frames:]
    ]
    said = kinds[0] + "".join(f" (caused by {k})" for k in kinds[1:])
    return f"{said} at {' <- '.join(reversed(where))}" if where else said
