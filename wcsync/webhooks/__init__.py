"""Drift alerts from signed WooCommerce webhooks.

``signature`` (HMAC-SHA256 of the raw body, constant-time check), ``state`` (dedupe and pending products:
SQLite or Redis), ``receiver`` (the Starlette app that verifies, answers pings, dedupes and hands product events
on), ``coalesce`` (collects events per window and plans them), ``drift`` (plans some products against the
catalogue), ``alerts`` (alert values and where they go), ``install`` (the store's webhooks for the product
topics, and the delivery-URL rules of WordPress). The CLI (``wcsync.cli.webhooks``, ``wcsync.cli.watch``) is a
thin shell over these; nothing here imports the sandbox.
"""
