"""The repositories `Store` is made of: one per record kind, each over the same `Database`."""
