"""Alembic migrations for Heardwell's database (a package, so they install with it)."""
