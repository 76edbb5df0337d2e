"""What every participation form shares: reading the post within bounds, the anti-abuse
checks, showing the form again with all its problems, and the thank-you page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from socle.core.participation import ContributionError
from socle.errors import InputError
from socle.portal import antiabuse, csrf
from socle.portal.rendering import render

MAX_FIELDS = 20
FORM_ERROR = "formulaire"


def guard(request: Request) -> antiabuse.Guard:
    """A form's hidden fields: its start time and the session's CSRF token (checked for
    every portal POST by ``csrf.check_csrf``)."""
    return antiabuse.new_guard(csrf.FIELD, csrf.csrf_token(request))


def form_page(
    request: Request,
    template: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The form, filled with what was sent and its problems (a fresh start time each time)."""
    return render(
        request,
        template,
        status=status,
        values=values or {},
        errors=errors or {},
        form=guard(request),
        **context,
    )


async def submit(
    request: Request,
    template: str,
    save: Callable[[dict[str, str], dict[str, bytes]], Any],
    thanks: dict[str, str],
    *,
    with_file: bool = False,
    **context: Any,
) -> HTMLResponse:
    """Check and save one contribution; on any problem, the form again, saying what is wrong."""
    posted = await request.form(max_files=1 if with_file else 0, max_fields=MAX_FIELDS)
    values = {k: v for k, v in posted.items() if isinstance(v, str)}
    files = {k: await v.read() for k, v in posted.items() if isinstance(v, UploadFile)}
    try:
        antiabuse.check(request, values)
        save(values, files)
    except ContributionError as exc:
        return form_page(request, template, values=values, errors=exc.fields, status=400, **context)
    except (InputError, antiabuse.TooManyContributionsError) as exc:
        return form_page(
            request,
            template,
            values=values,
            errors={FORM_ERROR: exc.message},
            status=exc.status,
            **context,
        )
    finally:
        await posted.close()
    return render(request, "participation_thanks.html", thanks=thanks, **context)
