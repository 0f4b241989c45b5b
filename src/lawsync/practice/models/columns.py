"""Column types of the practice ledger's own quantities (amounts of money are `storage.Money`)."""

from __future__ import annotations

from sqlalchemy import Numeric

Rate = Numeric(14, 4, asdecimal=True)
Quantity = Numeric(12, 4, asdecimal=True)
Percent = Numeric(7, 4, asdecimal=True)
