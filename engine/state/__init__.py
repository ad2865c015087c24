"""The state's view (issue 20 part 4): the programme figures of every county side by side, for the
state-level role only, and the programme controlling export of a school year (CSV, XLSX, JSON).

Reads only ``programme_events`` and ``tenants`` (on PostgreSQL the state scope may read nothing else,
engine/tenancy); the figures' definitions and their suppression are engine/reports/figures.py's.
"""
