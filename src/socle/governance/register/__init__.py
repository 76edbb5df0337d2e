"""The RGPD register of processing activities (Art. 30) and the DPIA assistant.

An organization (the controller) keeps its register: its DPO, admins and data officers read
and edit it (governance.register.access), every change and every read of an unpublished
register is audited, and it may be published on the portal. Datasets flagged as personal
data must be linked to one of its activities before they are opened beyond ``restricted``
(governance.publication). Docs: docs/register.md.
"""

from socle.governance.register.activities import (
    activities_of_dataset,
    create_activity,
    find_activity,
    link_dataset,
    list_activities,
    set_dpia_status,
    unlink_dataset,
    update_activity,
    visible_activities,
)
from socle.governance.register.dpia import Assessment, assess
from socle.governance.register.fields import ActivityFields, parse_fields
from socle.governance.register.registers import (
    Register,
    RegisterSettings,
    get_register,
    parse_settings,
    update_register,
)

__all__ = [
    "ActivityFields",
    "Assessment",
    "Register",
    "RegisterSettings",
    "activities_of_dataset",
    "assess",
    "create_activity",
    "find_activity",
    "get_register",
    "link_dataset",
    "list_activities",
    "parse_fields",
    "parse_settings",
    "set_dpia_status",
    "unlink_dataset",
    "update_activity",
    "update_register",
    "visible_activities",
]
