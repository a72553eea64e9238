"""`python -m crm_tui` is the `crm` command."""

from crm_tui.cli.main import main

main()
