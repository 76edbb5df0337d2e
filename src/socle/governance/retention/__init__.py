"""Retention and purge of datasets' data (docs/retention.md).

Each dataset may declare how long its data is kept: a period (ISO 8601 duration) and, for
row-level retention, a date column. :mod:`.plan` works out what has expired, :mod:`.purge`
writes a version without expired rows and deletes the files of versions still holding them,
:mod:`.upcoming` tells the DPO what will go next, :mod:`.schedule` runs it daily in a served
instance. Modules are imported directly (this package imports nothing), so that
``core.metadata`` can use :mod:`.rules` without an import cycle.
"""
