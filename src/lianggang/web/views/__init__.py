"""The web pages, by area. Each module holds the views of one part of the site:

- :mod:`.figures` — the dashboard and an indicator's page (with its funnel plot and export);
- :mod:`.profiles` — a unit's profile and a department's page;
- :mod:`.query` — the query page and its exports;
- :mod:`.followup` — the follow-up register (督办);
- :mod:`.collection` and :mod:`.collection_imports` — the yearly collection round, its
  workbooks and uploads;
- :mod:`.ledger` and :mod:`.ledger_records` — the ledger's lists, forms, import and summary,
  and the pages of one case, aid record or family;
- :mod:`.reports` — report requests and downloads;
- :mod:`.accounts` — API tokens, the second factor, the lockout page;
- :mod:`.health` — the health check.

What several of them use (the signed-in user, the 404/403 answers to a domain's errors, the
figures pages' access rule, the asked org unit and outline, titles, downloads) is in
:mod:`._shared`.
"""
