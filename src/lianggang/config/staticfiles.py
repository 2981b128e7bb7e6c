"""Django's static files app, collecting only what the pages load from the npm packages.

``collectstatic`` names every file by its content's hash and writes gzip and Brotli copies
(``STORAGES`` in settings); the packages' other builds and their source maps (ECharts' dist
folder alone holds 120 MB) would make it take minutes. Patterns match a file's or a folder's
own name, in every folder collected.
"""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig

# The pages load vendor/echarts/echarts.min.js and vendor/htmx/htmx.min.js.
UNUSED_VENDOR_FILES = [
    "echarts.js",
    "echarts.js.map",
    "echarts.esm.*",
    "echarts.common.*",
    "echarts.simple.*",
    "extension",
    "htmx.js",
    "htmx.amd.js",
    "htmx.cjs.js",
    "htmx.esm.*",
    "htmx.min.js.gz",
    "ext",
]


class StaticFilesConfig(DjangoStaticFilesConfig):
    ignore_patterns = [  # noqa: RUF012 (Django's own attribute, a list)
        *DjangoStaticFilesConfig.ignore_patterns,
        *UNUSED_VENDOR_FILES,
    ]
