"""Read models: one per surface, owned by the session (`Crm`), created when first asked.

They are the only service code that touches store observers and catch-up; each keeps
what its surface needs current as documents change, and answers with frozen results.
(Not `services/views`: that name is the saved views of the customers list.)
"""
