"""What several routers share: the pagination of long lists.

The caller (``auth.actor``) and the one error shape (``errors``) have modules of their own.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

PAGE_SIZE = 500
MAX_PAGE_SIZE = 5_000


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class Page(PageNumberPagination):
    class Input(PageQuery):  # its own name: the OpenAPI document calls it "Input"
        pass

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        size = pagination.page_size
        offset = (pagination.page - 1) * size
        return {"items": queryset[offset : offset + size], "count": self._items_count(queryset)}
