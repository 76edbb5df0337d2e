"""What every page asks for: the instance, who is asking, the site's base URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from socle.api.deps import base_url, get_instance, get_principal
from socle.governance.policy import Principal
from socle.instance import Instance

InstanceDep = Annotated[Instance, Depends(get_instance)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
BaseUrl = Annotated[str, Depends(base_url)]
