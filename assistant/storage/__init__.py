"""Heardwell's local storage: models, migrations, repository functions and export."""
