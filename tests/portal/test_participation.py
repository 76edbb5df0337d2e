"""Participation on the portal, through the ASGI app: proposals wait for moderation, show once
approved (on the dataset page and the reuses page), bad images and robots are refused in
French, visitors' texts are escaped everywhere, contact e-mails are never shown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.config import Settings
from socle.core import participation
from socle.core.users import create_user
from socle.governance.policy import ADMIN
from socle.instance import Instance, open_instance
from tests._images import image_bytes
from tests.portal._html import check_page
from tests.portal.conftest import populate_portal
from tests.portal.test_accounts import PASSWORD, sign_in

SITE = "https://testserver"  # the session cookie (CSRF token) is sent over HTTPS only
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
REUSE = {
    "title": "Carte des arrêts",
    "url": "https://carte.example/arrets?a=1&b=2",
    "description": "Les arrêts sur une carte.\nAvec les horaires.",
    "datasets": "http://testserver/jeux-de-donnees/arrets/carte\n",
    "contact_email": "proposant@example.fr",
}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[TestClient, Instance]]:
    """The portal's instance with no minimum fill time (tests post at once) and 5 posts."""
    settings = Settings(
        home=tmp_path / "home", participation_min_seconds=0, participation_rate_limit=5
    )
    instance = open_instance(settings)
    populate_portal(instance, tmp_path)
    with TestClient(create_app(settings, instance), base_url=SITE) as client:
        yield client, instance
    instance.close()


def guard(client: TestClient, page: str) -> dict[str, str]:
    """The hidden fields a form page hands out (start time, and the CSRF token if any)."""
    html = client.get(page).text
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def propose(client: TestClient, image: bytes | None = None, **changes: str) -> tuple[int, str]:
    data = {**guard(client, "/reutilisations/proposer"), **REUSE, **changes}
    files = {"image": ("capture.png", image if image is not None else image_bytes(), "image/png")}
    response = client.post("/reutilisations/proposer", data=data, files=files)
    return response.status_code, response.text


def only(instance: Instance, kind: participation.Kind) -> str:
    (item,) = participation.list_items(instance, ADMIN, kind=kind)
    return item.id


def test_a_reuse_is_shown_only_once_approved(site: tuple[TestClient, Instance]) -> None:
    client, instance = site
    status, html = propose(client)
    assert status == 200 and "Merci pour votre proposition" in html
    reuse_id = only(instance, participation.Kind.REUSE)
    assert "Carte des arrêts" not in client.get("/reutilisations").text
    assert "Carte des arrêts" not in client.get("/jeux-de-donnees/arrets").text
    assert client.get(f"/reutilisations/{reuse_id}").status_code == 404
    assert client.get(f"/reutilisations/{reuse_id}/image").status_code == 404

    participation.approve(instance, ADMIN, reuse_id)
    dataset_page = client.get("/jeux-de-donnees/arrets").text
    assert f'href="/reutilisations/{reuse_id}"' in dataset_page
    listing = client.get("/reutilisations").text
    assert "Carte des arrêts" in listing and "1 réutilisation publiée" in listing
    page = client.get(f"/reutilisations/{reuse_id}").text
    assert (
        '<a class="fr-link fr-icon-external-link-line fr-link--icon-right" '
        'href="https://carte.example/arrets?a=1&amp;b=2" rel="noopener nofollow ugc">' in page
    )
    assert 'href="/jeux-de-donnees/arrets"' in page
    image = client.get(f"/reutilisations/{reuse_id}/image")
    assert image.headers["content-type"] == "image/webp" and image.content[8:12] == b"WEBP"
    assert image.headers["x-content-type-options"] == "nosniff"
    for html in (dataset_page, listing, page):
        assert "proposant@example.fr" not in html
        assert check_page(html) == []


def test_a_rejected_reuse_never_shows(site: tuple[TestClient, Instance]) -> None:
    client, instance = site
    propose(client)
    reuse_id = only(instance, participation.Kind.REUSE)
    participation.reject(instance, ADMIN, reuse_id, "Hors sujet")
    assert client.get(f"/reutilisations/{reuse_id}").status_code == 404
    assert "Hors sujet" not in client.get("/reutilisations").text


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (b"GIF89a not really", "n'est pas une image PNG, JPEG ou WebP lisible"),
        (b"\x89PNG\r\n\x1a\n<svg onload='alert(1)'>", "n'est pas une image PNG, JPEG ou WebP"),
        (b"<!doctype html><script>alert(1)</script>", "n'est pas une image PNG, JPEG ou WebP"),
        (b"", "choisissez un fichier PNG, JPEG ou WebP"),
        (b"\x89PNG" + b"\x00" * (2 * 1024 * 1024), "2 Mo au plus"),
    ],
    ids=["gif", "svg-as-png", "html-as-png", "no-file", "too-big"],
)
def test_bad_images_are_refused_with_a_clear_message(
    site: tuple[TestClient, Instance], image: bytes, message: str
) -> None:
    client, instance = site
    status, html = propose(client, image=image)
    assert status == 400 and message in unescape(html)
    assert 'href="#champ-image"' in html and 'aria-invalid="true"' in html
    assert 'value="Carte des arrêts"' in html  # what was typed is kept
    assert participation.list_items(instance, ADMIN) == []


def test_a_whole_post_over_the_limit_is_refused_before_reading(
    site: tuple[TestClient, Instance],
) -> None:
    client, _ = site
    status, html = propose(client, image=b"x" * (3 * 1024 * 1024))
    assert status == 413 and "Formulaire trop volumineux" in html


def test_robots_are_refused(site: tuple[TestClient, Instance]) -> None:
    client, instance = site
    status, html = propose(client, site_web="https://spam.example")
    assert status == 400 and "réservé aux robots" in html
    status, html = propose(client, debut="1700000000.forged")
    assert status == 400 and "expiré" in html
    assert participation.list_items(instance, ADMIN) == []


def test_a_post_without_the_form_token_is_refused(site: tuple[TestClient, Instance]) -> None:
    """Another site may post to the form but has neither the session nor its token."""
    client, instance = site
    form = guard(client, "/demandes/nouvelle")
    assert form["csrf_token"]
    data = {**form, "title": "Piscines", "description": "Horaires."}
    forged = client.post("/demandes/nouvelle", data={**data, "csrf_token": "x" * 43})
    assert forged.status_code == 403 and "jeton de sécurité" in forged.text
    client.cookies.clear()
    assert client.post("/demandes/nouvelle", data=data).status_code == 403
    assert participation.list_items(instance, ADMIN) == []


def test_a_form_sent_at_once_is_refused(tmp_path: Path) -> None:
    instance = open_instance(Settings(home=tmp_path / "home"))
    populate_portal(instance, tmp_path)
    try:
        with TestClient(create_app(instance.settings, instance), base_url=SITE) as client:
            status, html = propose(client)
    finally:
        instance.close()
    assert status == 400 and "Formulaire envoyé trop vite" in html


def test_one_address_may_send_only_a_few_contributions(
    site: tuple[TestClient, Instance],
) -> None:
    client, instance = site
    for _ in range(5):
        assert propose(client)[0] == 200
    status, html = propose(client)
    assert status == 429 and "Trop d&#39;envois depuis votre connexion" in html
    assert len(participation.list_items(instance, ADMIN)) == 5


def test_visitors_texts_are_escaped_everywhere(site: tuple[TestClient, Instance]) -> None:
    client, instance = site
    assert propose(client, title=XSS, description=XSS)[0] == 200
    status, html = propose(client, url="javascript:alert(1)")
    assert status == 400 and "commençant par https://" in html
    form = guard(client, "/demandes/nouvelle")
    client.post("/demandes/nouvelle", data={**form, "title": XSS, "description": XSS})
    form = guard(client, "/jeux-de-donnees/arrets")
    client.post("/jeux-de-donnees/arrets/commenter", data={**form, "body": XSS, "author_name": XSS})
    for item in participation.list_items(instance, ADMIN):
        participation.approve(instance, ADMIN, item.id)
    request_id = only_published_request(instance)
    participation.answer_request(instance, ADMIN, request_id, XSS)
    reuse_id = participation.list_reuses(instance, ADMIN)[1][0].reuse.id
    pages = [
        "/reutilisations",
        f"/reutilisations/{reuse_id}",
        "/demandes",
        f"/demandes/{request_id}",
        "/jeux-de-donnees/arrets",
    ]
    for page in pages:
        html = client.get(page).text
        assert "<script>alert" not in html and "<img src=x" not in html, page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page
    # A refused form shows the typed text back, escaped too.
    status, html = propose(client, title=XSS, image=b"")
    assert status == 400 and "<script>alert" not in html


def only_published_request(instance: Instance) -> str:
    (request,) = participation.list_requests(instance, ADMIN)[1]
    return request.id


def test_a_data_request_from_the_form_to_its_answer(site: tuple[TestClient, Instance]) -> None:
    client, instance = site
    html = client.get("/demandes/nouvelle").text
    assert check_page(html) == [] and '<option value="agglo">' in html
    form = guard(client, "/demandes/nouvelle")
    response = client.post(
        "/demandes/nouvelle",
        data={
            **form,
            "title": "Horaires des piscines",
            "description": "En CSV, par bassin.",
            "organization": "agglo",
            "contact_email": "nageur@example.fr",
        },
    )
    assert response.status_code == 200 and "Merci pour votre demande" in response.text
    assert "Horaires des piscines" not in client.get("/demandes").text
    request_id = only(instance, participation.Kind.REQUEST)
    participation.approve(instance, ADMIN, request_id)
    assert "Ouverte" in client.get("/demandes?statut=open").text
    participation.answer_request(instance, ADMIN, request_id, "C'est publié.", dataset="arrets")
    listing = client.get("/demandes").text
    assert "Horaires des piscines" in listing and "répondue" in listing
    assert "Horaires des piscines" not in client.get("/demandes?statut=closed").text
    page = client.get(f"/demandes/{request_id}").text
    assert "C&#39;est publié." in page and 'href="/jeux-de-donnees/arrets"' in page
    assert "nageur@example.fr" not in page and check_page(page) == []
    assert client.get("/demandes?statut=pending").status_code == 400


def test_missing_fields_are_listed_in_the_error_summary(site: tuple[TestClient, Instance]) -> None:
    client, _ = site
    form = guard(client, "/demandes/nouvelle")
    response = client.post(
        "/demandes/nouvelle", data={**form, "title": "", "organization": "inconnue"}
    )
    html = response.text
    assert response.status_code == 400 and "3 problèmes à corriger" in unescape(html)
    assert 'href="#champ-title"' in html and "Organisation : « inconnue » introuvable" in html
    assert check_page(html) == []


def test_comments_show_once_approved(site: tuple[TestClient, Instance]) -> None:
    client, instance = site
    form = guard(client, "/jeux-de-donnees/arrets")
    response = client.post(
        "/jeux-de-donnees/arrets/commenter",
        data={**form, "body": "Il manque l'arrêt Gare Sud.", "author_name": "Léa"},
    )
    assert response.status_code == 200 and "Merci pour votre commentaire" in response.text
    assert "Gare Sud" not in client.get("/jeux-de-donnees/arrets").text
    participation.approve(instance, ADMIN, only(instance, participation.Kind.COMMENT))
    page = client.get("/jeux-de-donnees/arrets").text
    assert "Il manque l&#39;arrêt Gare Sud." in page and "<strong>Léa</strong>" in page
    form = guard(client, "/jeux-de-donnees/arrets")
    empty = client.post("/jeux-de-donnees/arrets/commenter", data={**form, "body": " "})
    assert empty.status_code == 400 and "Commentaire : ce champ est obligatoire" in empty.text
    internal = client.post("/jeux-de-donnees/subventions/commenter", data={**form, "body": "x"})
    assert internal.status_code == 404


def test_a_reuse_citing_an_internal_dataset_does_not_reveal_it(
    site: tuple[TestClient, Instance],
) -> None:
    client, instance = site
    status, html = propose(client, datasets="arrets\nsubventions")
    assert status == 400 and "« subventions » introuvable" in html
    reuse = participation.propose_reuse(
        instance,
        ADMIN,
        title="Tableau des aides",
        url="https://aides.example/",
        description="Aides et arrêts.",
        datasets=["arrets", "subventions"],
        image=image_bytes(),
    )
    participation.approve(instance, ADMIN, reuse.id)
    for page in ("/reutilisations", f"/reutilisations/{reuse.id}", "/jeux-de-donnees/arrets"):
        html = client.get(page).text
        assert "Tableau des aides" in html
        assert "subventions" not in html and "brouillon" not in html.lower()


def test_a_signed_in_superadmin_moderates_on_the_portal(
    site: tuple[TestClient, Instance],
) -> None:
    client, instance = site
    propose(client)
    form = guard(client, "/demandes/nouvelle")
    client.post("/demandes/nouvelle", data={**form, "title": "Bancs", "description": "Où ?"})
    assert client.get("/moderation").status_code == 404
    create_user(instance, "agent@agglo.fr", PASSWORD)
    assert sign_in(client, "agent@agglo.fr").status_code == 303
    assert client.get("/moderation").status_code == 404  # an account is not a moderator
    client.cookies.clear()
    create_user(instance, "root@agglo.fr", PASSWORD, superadmin=True)
    assert sign_in(client, "root@agglo.fr").status_code == 303
    page = client.get("/moderation").text
    assert "En attente (2)" in page and "proposant@example.fr" in page and check_page(page) == []
    reuse_id = only(instance, participation.Kind.REUSE)
    request_id = only(instance, participation.Kind.REQUEST)
    assert client.get(f"/reutilisations/{reuse_id}/image").status_code == 200  # preview
    token = guard(client, "/moderation")["csrf_token"]
    done = client.post(f"/moderation/{reuse_id}/publier", data={"csrf_token": token})
    assert "Carte des arrêts" in done.text and "publié" in done.text
    client.post(f"/moderation/{request_id}/refuser", data={"csrf_token": token, "motif": "Vague"})
    assert "Rien à relire." in client.get("/moderation").text
    assert (
        participation.list_items(instance, ADMIN, status=participation.Status.REJECTED)[0].reason
        == "Vague"
    )
    assert client.post(f"/moderation/{reuse_id}/publier", data={}).status_code == 403
