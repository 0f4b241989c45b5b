"""A local emulator of the QuickBooks Online Accounting API v3.

Self-contained: it imports nothing from the rest of lawsync.  Start it with
``python -m lawsync.sandbox`` or mount ``create_app()`` inside another ASGI app.
"""
