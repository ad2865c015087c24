"""REST blueprints under /api/v1."""
