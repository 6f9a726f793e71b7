"""The profile's pages, one module per kind of record."""
