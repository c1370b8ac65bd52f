"""Checks of our own that axe-core does not make. Each is a small `PageInspector`."""
