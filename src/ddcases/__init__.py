"""Async Python SDK for the Datadog Case Management API (placeholder until the facade lands)."""

__all__: list[str] = []
