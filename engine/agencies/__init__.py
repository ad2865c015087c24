"""The agencies a tenant refers clients to (tenant data: code, name, kind, reminder days)."""
