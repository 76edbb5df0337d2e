"""Socle: the sovereign territorial data platform.

The exception tree every part of Socle reports through is documented in :mod:`socle.errors`.
"""

__version__ = "0.1.0"
