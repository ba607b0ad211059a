"""Fixtures of the sandbox tests: ``serve`` runs ``wcsync sandbox serve`` as a subprocess (``serve_helpers``)."""

from __future__ import annotations

from serve_helpers import serve

__all__ = ["serve"]
