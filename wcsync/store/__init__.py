"""The store layer: the only package that speaks HTTP and knows WooCommerce's wire format.

``client.WooClient`` (auth, retries, concurrency, pagination, batches), ``errors`` (what went wrong, for
humans), ``wire`` (WooCommerce JSON → live records), ``fetch`` (the whole live state, and re-reads).
It knows nothing about YAML and never imports the sandbox.
"""
