"""Django's SQLite backend, with writers handed the database's write lock in turn (base.py)."""
