"""`python -m techmarket.cli` runs the command line."""

from techmarket.cli.main import app

app()
