"""lawsync: keeps a law firm's practice books and its QuickBooks Online company in step."""

__version__ = "0.1.0"
