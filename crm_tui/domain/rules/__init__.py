"""Business rules as pure functions: totals, loyalty, lifecycle, RFM, churn, pipeline,
feedback and analytics. No I/O and no clock reads: time-dependent rules take `as_of`.
Thresholds come from `crm_tui.domain.settings`, defaulting to the values of SPEC section 3.
"""
