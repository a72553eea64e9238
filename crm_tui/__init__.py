"""crm-tui: a keyboard-driven terminal CRM (Textual over services over a journaled TinyDB store)."""

__version__ = "0.1.0"
