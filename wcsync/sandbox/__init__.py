"""The sandbox store: an embedded WooCommerce (REST API wc/v3, catalogue part) backed by SQLite.

It is a *WooCommerce*, not part of wcsync's engine: only ``wcsync.cli.sandbox``, tests and benchmarks import
it. Its behaviour follows the recorded exchanges with a real WooCommerce 11.0.1 store
(``shared/woocommerce/captures``); ``tests/sandbox/test_conformance.py`` replays them all.

Layout: ``db`` (schema, ids, reset), ``text`` (entities, kses, slugs, prices), ``errors`` (error bodies),
``http`` (request context, responses, pagination, ``_fields``), ``terms`` / ``attributes`` / ``products`` /
``variations`` / ``images`` / ``batch`` (resources), ``routes`` (route table) and ``app`` (Starlette).
"""
