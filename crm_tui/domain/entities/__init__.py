"""Entity fields (a `<ENTITY>_FIELDS` table each) and their validators, one module per entity.

Import from the modules themselves (`from crm_tui.domain.entities.customer import
validate_customer`): this package deliberately re-exports nothing, so that the segment
rule language can use the shared validators in `common` without an import cycle.

Every `validate_<entity>(data, *, today, partial=False, current=None)` returns normalised
fields or raises one ValidationError naming every bad field. Input is in typed form (money
in dollars, dates with shortcuts); results are in stored form (cents, ISO text). Ids and
created_at/updated_at belong to the service layer, and unknown keys are dropped.

- Create: `validate_x(data, today=...)` -> the whole document.
- Check a form's fields as typed: `partial=True` -> only the keys given.
- Edit: `partial=True, current=stored_doc` -> the changes to apply, including derived
  fields that follow them (a new quantity recomputes the total, a new stage resets the
  probability and status), with cross-field rules checked against the whole record.
  A stored document is never fed back in as input: its cents would be read as dollars.
"""
