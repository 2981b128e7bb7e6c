from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from lianggang.api.v1 import api

# The admin site under the product's name.
admin.site.site_header = _("Lianggang administration")
admin.site.site_title = _("Lianggang administration")
admin.site.index_title = _("Data and accounts")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api-docs"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("lianggang.web.urls")),
]

# Error pages in the site's frame and language; the API's addresses keep its JSON error shape.
handler400 = "lianggang.web.views.errors.bad_request"
handler403 = "lianggang.web.views.errors.permission_denied"
handler404 = "lianggang.web.views.errors.page_not_found"
handler500 = "lianggang.web.views.errors.server_error"
