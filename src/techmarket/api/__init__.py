"""The REST API (django-ninja) under /api/v1/: it translates HTTP to services and back."""
