"""The production web server: gunicorn running the Django application, whitenoise for static files."""
