"""The sandbox store: an embedded WooCommerce (REST API wc/v3, catalogue part) backed by SQLite.

It is a *WooCommerce*, not part of wcsync's engine: only ``wcsync.cli.sandbox``, tests and benchmarks import
it. Its behaviour follows the recorded exchanges with a real WooCommerce 11.0.1 store
(``shared/woocommerce/captures``); ``tests/sandbox/test_conformance.py`` replays them all.

Layout: ``db`` (schema, ids, clock, reset), ``store`` (post rows and term relationships), ``text``
(entities, kses, slugs, prices), ``pricing``, ``errors`` (error bodies), ``http`` (request context, pagination,
``_fields``, ``_links``); resources: ``terms`` + ``term_handlers``, ``attributes``, ``products`` (read) +
``product_fields`` / ``product_write`` (write) + ``product_list`` + ``product_handlers``, ``variations`` +
``variation_handlers``, ``images``, ``batch``, ``misc`` (REST index, system_status); ``routes`` (route table)
and ``app`` (``create_app``). Credentials (``keys``, ``auth``), faults, stats and the server live alongside.
"""
