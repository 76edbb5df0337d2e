"""Download a file a user named by URL (a schema, a file to validate), with clear errors.

Socle calls nothing outside on its own; this runs only on an explicit user request, through
the SSRF-safe opener of :mod:`socle.ingest.outbound` (public addresses only, unless allowed),
and stops at ``SOCLE_INGEST_MAX_BYTES``.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlparse

from socle import __version__
from socle.config import Settings
from socle.errors import InputError, UnavailableError
from socle.ingest.outbound import opener

TIMEOUT_SECONDS = 30


def is_url(text: str) -> bool:
    return urlparse(text).scheme in {"http", "https"}


def download(url: str, folder: Path, settings: Settings) -> Path:
    """Save ``url`` under ``folder`` with the name the URL ends with; return its path."""
    max_bytes = settings.ingest_max_bytes
    name = Path(unquote(urlparse(url).path)).name or "telechargement"
    dest = folder / name
    request = urllib.request.Request(url, headers={"User-Agent": f"socle/{__version__}"})
    try:
        with (
            opener(settings).open(request, timeout=TIMEOUT_SECONDS) as response,
            dest.open("wb") as out,
        ):
            copied = 0
            while chunk := response.read(1 << 20):
                copied += len(chunk)
                if copied > max_bytes:
                    raise InputError(f"{url} : fichier trop gros (plus de {max_bytes >> 20} Mo)")
                out.write(chunk)
    except InputError:
        dest.unlink(missing_ok=True)
        raise
    except urllib.error.HTTPError as exc:
        dest.unlink(missing_ok=True)
        raise InputError(f"{url} : le serveur répond {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        dest.unlink(missing_ok=True)
        reason = getattr(exc, "reason", exc)
        raise UnavailableError(f"{url} : téléchargement impossible ({reason})") from exc
    return dest


def copy_or_download(location: str, folder: Path, settings: Settings) -> Path:
    """A local path as is, or a URL downloaded into ``folder``."""
    if is_url(location):
        return download(location, folder, settings)
    path = Path(location)
    if not path.is_file():
        raise InputError(f"{location} : fichier introuvable")
    return path
