"""Synthetic data for load tests, demos and statistics: see contracts.generate and CALIBRATION.md."""
