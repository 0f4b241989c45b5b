"""The sync engine: settings, links, exporters and importers, and the failure table."""
