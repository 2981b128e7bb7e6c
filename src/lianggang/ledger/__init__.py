"""The women's federation's work ledger and period achievement summaries.

Stands beside ``collection`` and shares only the ground floor apps.
"""
