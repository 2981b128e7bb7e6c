"""Reports: builders (finished figures → document model) and renderers (Word, PDF, HTML, Excel).

Reads finished figures from ``analytics`` only and never knows a page: ``annual`` and
``evaluation_report`` build a :class:`~.document.Document`; ``render`` lays it out; ``services``
and ``tasks`` run builds in the background and keep them (``ReportRun``).
"""
