"""HTTP layer: thin routers over the services (native v1 now; DCAT, CKAN, ODS, OGC later)."""
