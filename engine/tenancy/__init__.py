"""Tenancy: which county a unit of work acts for, the tenant filled into new rows, and PostgreSQL's
Row-Level Security that enforces it beneath the application's own filters (defence in depth).

- ``scope.py``: the unit's scope (one tenant, all tenants, the state's read-only view, the identity
  lookup of authentication), kept in ``session.info`` and set per transaction as the GUC ``kim.tenant``.
- ``fill.py``: a new row of a tenant table gets its tenant from the scope or from its parent row.
- ``rls.py``: the policies the migrations create on every table with a ``tenant_id``.
"""
