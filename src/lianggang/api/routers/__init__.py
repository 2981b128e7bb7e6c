"""The routers of the API, one module each; ``api/v1.py`` assembles them."""
