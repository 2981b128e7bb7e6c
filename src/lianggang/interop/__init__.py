"""Exchange formats: values in and out as DHIS2, ADX, SDMX-CSV, Open SDG and JSON-stat speak them.

Each format is declared once in :mod:`lianggang.interop.formats` with its reader (bytes →
:class:`~lianggang.interop.model.Parsed`) and writer (an export source → bytes);
:mod:`lianggang.interop.importing` plans and applies imports through the collection's own checks,
:mod:`lianggang.interop.exporting` builds exports from approved values or indicator values.
"""
