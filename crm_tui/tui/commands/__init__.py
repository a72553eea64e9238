"""Command palette providers, one per area."""
