"""Version 1 of the API: the framework, the hierarchy, the figures and the data values.

Reads go through the same selectors and access checks as the pages: figures are the approved
ones every signed-in user sees; data values only within the caller's scope (org-unit subtree ×
departments), "not yours" answering exactly as "does not exist".

This module only assembles the API; each router lives in ``routers/`` (the exchange formats in
``exchange.py``), what several of them share in ``common.py``, ``auth.py`` and ``errors.py``.
"""

from ninja import NinjaAPI
from ninja.operation import Operation

from . import exchange
from .auth import AUTH
from .errors import install
from .routers import data, figures, metadata, reports, submissions

ROUTERS_PACKAGE = f"{__package__}.routers."


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """``<module>_<function>`` as django-ninja makes it, the routers taken as this module:
        the operation ids stay those published before the routers had modules of their own."""
        module = operation.view_func.__module__
        if module.startswith(ROUTERS_PACKAGE):
            module = __name__
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = Api(
    title="Lianggang API",
    version="1",
    description=(
        "Lianggang (两纲监测): the framework of the women's and children's outlines, the "
        "administrative hierarchy, approved figures and their judgements, and data values "
        "within the caller's scope. Errors always have the shape "
        '`{"errors": [{"code", "message", "field", "row"}]}`.'
    ),
    auth=AUTH,
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install(api)

api.add_router("/", metadata.router)
api.add_router("/", figures.router)
api.add_router("/", data.router)
api.add_router("/", submissions.router)
api.add_router("/", reports.router)
api.add_router("/", exchange.router)
