"""The incidents app's pages, one module per feature; `safeguard/incidents/urls.py` maps them."""
