"""Governance: the one access-policy door, and later audit, registers and retention."""
