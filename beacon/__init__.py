"""Beacon: performance and risk management for councils."""

__version__ = "0.1.0"
