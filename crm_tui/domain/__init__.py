"""Entities, validation and business rules: pure functions, no I/O, no Textual."""
