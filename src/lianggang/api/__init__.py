"""The REST API (django-ninja, OpenAPI 3 at /api/docs): an edge, like ``web`` and ``cli``.

Not built yet.
"""
