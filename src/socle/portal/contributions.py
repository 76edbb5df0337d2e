"""What every participation form shares: reading the post within bounds, the anti-abuse
checks, showing the form again with all its problems, and the thank-you page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from socle.core.participation import ContributionError
from socle.core.participation.images import MAX_BYTES
from socle.errors import InputError
from socle.portal import antiabuse, form_token
from socle.portal.rendering import render

MAX_TEXT_BYTES = 64 * 1024
MAX_FIELDS = 20
FORM_ERROR = "formulaire"


def guard(request: Request) -> antiabuse.Guard:
    """A form's hidden fields; :func:`finish` then sets the cookie its token goes with."""
    raw = form_token.raw_token(request)
    request.state.form_token = raw
    return antiabuse.new_guard(form_token.FIELD, form_token.field_value(raw))


def finish(request: Request, response: Response) -> Response:
    """Set the form token's cookie on a page that shows a form."""
    raw = getattr(request.state, "form_token", None)
    if raw is not None:
        form_token.set_cookie(request, response, raw)
    return response


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
    page = render(
        request,
        template,
        status=status,
        values=values or {},
        errors=errors or {},
        form=guard(request),
        **context,
    )
    finish(request, page)
    return page


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
    limit = MAX_BYTES + MAX_TEXT_BYTES if with_file else MAX_TEXT_BYTES
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > limit:
        problem = "Envoi trop volumineux" + (" : l'image fait 2 Mo au plus" if with_file else "")
        return form_page(request, template, errors={FORM_ERROR: problem}, status=413, **context)
    posted = await request.form(max_files=1 if with_file else 0, max_fields=MAX_FIELDS)
    values = {k: v for k, v in posted.items() if isinstance(v, str)}
    files = {k: await v.read() for k, v in posted.items() if isinstance(v, UploadFile)}
    try:
        form_token.check(request, values)
        antiabuse.check(request, values)
        save(values, files)
    except ContributionError as exc:
        return form_page(request, template, values=values, errors=exc.fields, status=400, **context)
    except (InputError, antiabuse.TooManyContributionsError, form_token.FormTokenError) as exc:
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
