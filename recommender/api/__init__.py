"""REST API (DRF): an interface over services, nothing more."""
