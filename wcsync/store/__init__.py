"""The store layer: the only package that speaks HTTP and knows WooCommerce's wire format.

    client.WooClient   one connection pool per store: auth (auth.py), TLS (tls.py), timeouts, retries with
                       backoff (retry.py), adaptive concurrency (limiter.py), pagination, batches (batch.py)
    errors             what went wrong, said for humans (store and request named, no secrets)
    probe              is it WordPress? WooCommerce? which routes and version?
    wire               WooCommerce JSON → live records (pure)
    fetch              the whole live state with the fewest list requests; re-reads by key
    payload, writer    records → WooCommerce input; the engine's writes as batches (apply)

It knows nothing about YAML and never imports the sandbox.
"""
