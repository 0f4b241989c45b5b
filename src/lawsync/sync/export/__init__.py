"""Exporters: each turns dirty practice records of one kind into accounting-side operations."""
