"""What every page asks for: the instance, who is asking, the site's base URL (the API's
dependencies: a page and its JSON twin resolve them alike)."""

from __future__ import annotations

from socle.api.deps import BaseUrl, InstanceDep, PrincipalDep

__all__ = ["BaseUrl", "InstanceDep", "PrincipalDep"]
