"""Plumbing that every app may use: no models, no imports from the apps."""
