"""`python -m crm_tui` is the `crm` command."""

from crm_tui.cli.entry import main

if __name__ == "__main__":  # not when an import's reader process loads this module
    main()
