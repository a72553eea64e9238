"""Use cases over the store, one module per area. The only way the TUI and CLI touch data."""
