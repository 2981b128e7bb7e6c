"""The follow-up register (督办): items for lagging targets, assigned to departments."""
