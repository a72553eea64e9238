"""Moving data in and out: export writers (CSV, JSON, JSONL, XLSX), CSV import, legacy JSON."""
