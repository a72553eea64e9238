"""The store's table names, in one place so every service (and GDPR erase) agrees."""

CUSTOMERS = "customers"
PRODUCTS = "products"
PURCHASES = "purchases"
LEDGER = "ledger"
INTERACTIONS = "interactions"
OPPORTUNITIES = "opportunities"
TASKS = "tasks"
FEEDBACK = "feedback"
SEGMENTS = "segments"
AUDIT = "audit"
SETTINGS = "settings"
IMPORTS = "imports"
IMPORT_UNDO = "import_undo"  # before-images an import revert restores
VIEWS = "views"  # saved views of the customers list
ERASURES = "erasures"  # who was erased, as salted hashes only: to find them again in copies

# Tables whose documents carry a `customer_id` (a customer's history, for the 360 view,
# GDPR export and erase).
CUSTOMER_HISTORY = (PURCHASES, LEDGER, INTERACTIONS, OPPORTUNITIES, TASKS, FEEDBACK)
