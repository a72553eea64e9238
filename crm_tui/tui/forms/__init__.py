"""Keyboard forms (modal screens) for every record the user types in."""
