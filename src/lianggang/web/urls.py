from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/<slug:code>/", views.indicator_detail, name="indicator"),
    path("healthz", views.healthz, name="healthz"),
]
