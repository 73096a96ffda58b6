"""The layer every other one stands on: the catalog, the journal, schema validation, redaction and
the platform declaration type. It imports nothing from simulators, drivers, steps or the harness."""
