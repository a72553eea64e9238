"""Reusable widgets: the virtual customers table, badges, the detail pane."""
