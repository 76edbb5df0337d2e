"""What every CKAN action receives besides its data_dict: the instance and who asks."""

from __future__ import annotations

from dataclasses import dataclass

from socle.governance.policy import Principal
from socle.instance import Instance


@dataclass(frozen=True)
class CkanContext:
    instance: Instance
    principal: Principal
    base_url: str  # the site's root, without a trailing slash
