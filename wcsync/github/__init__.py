"""The pull request as the product: wcsync talking to GitHub's REST API from a workflow run.

    context.py      the run as GitHub describes it (``GITHUB_*`` variables and the event file)
    client.py       an httpx client of the REST API: pagination (``Link``), secondary rate limits
                    (``Retry-After``), errors that name the missing workflow permission
    planfile.py     the plan file (``wcsync plan --out``) read defensively, with its guards
    comments.py     the sticky plan comment (one per store and pull request), the apply result comment
    annotations.py  plan problems as workflow annotations at the YAML line that caused them
    drift.py        the drift issue of a store: opened, updated, closed

This package speaks to GitHub only; it reads the store through the same commands a user runs (``wcsync plan``,
``wcsync apply``) and never imports the sandbox.
"""
