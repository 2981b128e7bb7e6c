"""Reports: builders (finished figures → document model) and renderers (Word, PDF, HTML, Excel).

Reads finished figures from ``analytics`` only and never knows a page. Not built yet.
"""
