"""Anonymisation and pseudonymisation: a declared recipe derives a shareable dataset.

``recipe`` validates what the user declares; ``steps`` and ``communes`` turn steps into
column operations; ``measures`` enforces k-anonymity and statistical secrecy and measures
ℓ-diversity; ``transform`` runs it all in DuckDB; ``run`` reads the source through the policy
and commits the output with its lineage; ``lineage`` answers the publication rule and shows
reports. Modules are imported directly (``lineage`` is needed by the publication rule, which
``core`` imports, so this package must not import ``run`` eagerly). Docs: docs/anonymisation.md.
"""
