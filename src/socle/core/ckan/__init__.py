"""CKAN Action API compatibility: CKAN's actions answered from Socle's catalog and rows.

Public surface: :data:`ACTIONS` (name -> action), :func:`call`, :class:`CkanContext` and the
errors CKAN names (:mod:`socle.core.ckan.errors`). The HTTP envelope is the router's job
(``socle.api.routes.ckan``).
"""

from socle.core.ckan.actions import ACTIONS, call
from socle.core.ckan.context import CkanContext

__all__ = ["ACTIONS", "CkanContext", "call"]
