"""Exchange formats: values in and out as DHIS2, ADX, SDMX-CSV, Open SDG and JSON-stat speak them.

Each format has a reader (bytes → :class:`~lianggang.interop.model.Parsed`) and a writer (rows →
bytes); :mod:`lianggang.interop.service` plans and applies imports through the collection's own
checks and builds exports from approved values or indicator values.
"""
