"""Who is using the app (identity.py) and the Store as they may see it (scoped_store.py)."""
