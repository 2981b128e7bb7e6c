"""The REST API (django-ninja): OpenAPI 3, versioned under /api/v1/, personal tokens or the
pages' session, the same services and access checks as the pages, one error shape."""
