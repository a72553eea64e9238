"""The `crm` command: the TUI launcher and the headless subcommands."""
