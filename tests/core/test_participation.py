"""Participation services: proposals wait for moderation, images are re-encoded, requests are
answered and closed, notifications are recorded, and the policy filters what is cited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from socle.core import participation
from socle.core.participation import ContributionError, Status
from socle.core.participation.images import MAX_WIDTH, image_path, media_folder
from socle.errors import ConflictError, InputError, NotFoundError
from socle.governance.policy import ADMIN, ANONYMOUS
from socle.instance import Instance
from tests._images import image_bytes, jpeg_with_gps
from tests.api.conftest import populate


@pytest.fixture
def catalog(instance: Instance, tmp_path: Path) -> Instance:
    """Public « comptages », internal « subventions », both of organization « agglo »."""
    populate(instance, tmp_path)
    return instance


def propose(instance: Instance, principal=ANONYMOUS, **changes: object):  # type: ignore[no-untyped-def]
    fields: dict[str, object] = {
        "title": "Carte des vélos",
        "url": "https://velo.example/carte",
        "description": "Une carte des comptages.",
        "datasets": ["comptages"],
        "image": image_bytes(),
        "contact_email": "auteur@example.fr",
    }
    fields.update(changes)
    return participation.propose_reuse(instance, principal, **fields)  # type: ignore[arg-type]


def test_a_proposed_reuse_waits_then_shows_once_approved(catalog: Instance) -> None:
    reuse = propose(catalog)
    assert reuse.status == Status.PENDING
    assert participation.list_reuses(catalog, ANONYMOUS) == (0, [])
    with pytest.raises(NotFoundError):
        participation.get_reuse(catalog, ANONYMOUS, reuse.id)
    assert [i.id for i in participation.list_items(catalog, ADMIN)] == [reuse.id]

    participation.approve(catalog, ADMIN, reuse.id[:8])
    total, entries = participation.list_reuses(catalog, ANONYMOUS, dataset="comptages")
    assert total == 1 and [d.slug for d in entries[0].datasets] == ["comptages"]
    assert participation.list_items(catalog, ADMIN) == []
    with pytest.raises(ConflictError, match="déjà modéré"):
        participation.approve(catalog, ADMIN, reuse.id)


def test_rejecting_deletes_the_image_and_hides_the_reuse(catalog: Instance) -> None:
    reuse = propose(catalog)
    assert image_path(catalog, reuse.image) is not None
    item = participation.reject(catalog, ADMIN, reuse.id, "Lien publicitaire")
    assert item.status == Status.REJECTED and item.reason == "Lien publicitaire"
    assert image_path(catalog, reuse.image) is None
    assert participation.list_reuses(catalog, ANONYMOUS)[0] == 0


def test_every_problem_of_a_form_is_reported_at_once(catalog: Instance) -> None:
    with pytest.raises(ContributionError) as caught:
        propose(
            catalog,
            title=" ",
            url="javascript:alert(1)",
            description="x" * 2001,
            datasets=["inconnu"],
            image=b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
            contact_email="pas-une-adresse",
        )
    fields = caught.value.fields
    assert set(fields) == {"title", "url", "description", "datasets", "image", "contact_email"}
    assert "obligatoire" in fields["title"] and "https://" in fields["url"]
    assert "2000 caractères au plus" in fields["description"]
    assert "« inconnu » introuvable" in fields["datasets"]
    assert "PNG, JPEG ou WebP" in fields["image"]
    assert not media_folder(catalog).exists() or not any(media_folder(catalog).iterdir())


def test_a_visitor_cannot_cite_an_internal_dataset(catalog: Instance) -> None:
    with pytest.raises(ContributionError) as caught:
        propose(catalog, datasets=["comptages", "subventions"])
    assert caught.value.fields == {"datasets": "Jeux de données : « subventions » introuvable"}


def test_a_published_reuse_lists_only_the_datasets_the_reader_may_see(catalog: Instance) -> None:
    reuse = propose(catalog, ADMIN, datasets=["comptages", "subventions"])
    participation.approve(catalog, ADMIN, reuse.id)
    (entry,) = participation.list_reuses(catalog, ANONYMOUS)[1]
    assert [d.slug for d in entry.datasets] == ["comptages"]
    assert {d.slug for d in participation.get_reuse(catalog, ADMIN, reuse.id).datasets} == {
        "comptages",
        "subventions",
    }
    with pytest.raises(NotFoundError):
        participation.list_reuses(catalog, ANONYMOUS, dataset="subventions")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "choisissez un fichier"),
        (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "PNG, JPEG ou WebP"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "PNG, JPEG ou WebP"),
        (image_bytes("GIF"), "PNG, JPEG ou WebP"),
        (image_bytes("PNG")[:60], "PNG, JPEG ou WebP"),
        (b"\x00" * (2 * 1024 * 1024 + 1), "2 Mo au plus"),
    ],
    ids=["empty", "html-as-png", "svg", "gif", "truncated", "too-big"],
)
def test_bad_images_are_refused_in_french(catalog: Instance, content: bytes, message: str) -> None:
    with pytest.raises(ContributionError) as caught:
        propose(catalog, image=content)
    assert message in caught.value.fields["image"]


def test_images_are_shrunk_and_stripped_of_their_metadata(catalog: Instance) -> None:
    reuse = propose(catalog, image=jpeg_with_gps())
    path = image_path(catalog, reuse.image)
    assert path is not None and path.suffix == ".webp"
    stored = Image.open(io.BytesIO(path.read_bytes()))
    assert stored.format == "WEBP" and stored.size == (MAX_WIDTH, 600)
    assert not stored.getexif() and "exif" not in stored.info
    small = propose(catalog, image=image_bytes("WEBP", (300, 200)))
    with Image.open(image_path(catalog, small.image)) as reopened:  # type: ignore[arg-type]
        assert reopened.size == (300, 200)


def test_requests_are_moderated_answered_and_closed(catalog: Instance) -> None:
    request = participation.create_request(
        catalog,
        ANONYMOUS,
        title="Horaires des piscines",
        description="Les horaires d'ouverture, en CSV.",
        organization="agglo",
    )
    assert participation.list_requests(catalog, ANONYMOUS) == (0, [])
    participation.approve(catalog, ADMIN, request.id)
    total, rows = participation.list_requests(catalog, ANONYMOUS, status=Status.OPEN)
    assert total == 1 and rows[0].organization.slug == "agglo"  # type: ignore[union-attr]

    participation.answer_request(catalog, ADMIN, request.id, "Publié.", dataset="comptages")
    answered = participation.get_request(catalog, ANONYMOUS, request.id)
    assert answered.status == Status.ANSWERED and answered.answer == "Publié."
    participation.close_request(catalog, ADMIN, request.id)
    assert participation.get_request(catalog, ANONYMOUS, request.id).status == Status.CLOSED
    with pytest.raises(ConflictError):
        participation.answer_request(catalog, ADMIN, request.id, "Encore")
    with pytest.raises(InputError, match="Statut inconnu"):
        participation.list_requests(catalog, ANONYMOUS, status=Status.PENDING)


def test_answering_a_pending_request_publishes_it(catalog: Instance) -> None:
    request = participation.create_request(
        catalog, ANONYMOUS, title="Bancs", description="Les bancs publics."
    )
    participation.answer_request(catalog, ADMIN, request.id, "Nous y travaillons.")
    assert participation.list_requests(catalog, ANONYMOUS)[0] == 1
    with pytest.raises(InputError, match="pas une demande"):
        participation.close_request(catalog, ADMIN, propose(catalog).id)


def test_comments_wait_for_moderation(catalog: Instance) -> None:
    comment = participation.post_comment(
        catalog, ANONYMOUS, "comptages", body="Le capteur C02 est en panne ?", author_name="Léa"
    )
    assert participation.list_comments(catalog, ANONYMOUS, "comptages") == []
    participation.approve(catalog, ADMIN, comment.id)
    (shown,) = participation.list_comments(catalog, ANONYMOUS, "comptages")
    assert shown.author_kind == "public" and shown.author_name == "Léa"
    with pytest.raises(NotFoundError):
        participation.post_comment(catalog, ANONYMOUS, "subventions", body="Bonjour")


def test_each_contribution_notifies_the_organization(catalog: Instance) -> None:
    propose(catalog)
    participation.post_comment(catalog, ANONYMOUS, "comptages", body="Merci !")
    participation.create_request(
        catalog, ANONYMOUS, title="Bancs", description="Les bancs publics.", organization="agglo"
    )
    participation.create_request(catalog, ANONYMOUS, title="Arbres", description="Les arbres.")
    rows = participation.list_notifications(catalog, organization="agglo")
    assert sorted(r.event for r in rows) == ["comment_posted", "request_created", "reuse_proposed"]
    assert {r.dataset for r in rows} == {"comptages", None}
    assert len(participation.list_notifications(catalog)) == 4


def test_moderation_needs_a_moderator_and_a_clear_identifier(catalog: Instance) -> None:
    reuse = propose(catalog)
    with pytest.raises(NotFoundError):
        participation.approve(catalog, ANONYMOUS, reuse.id)
    with pytest.raises(NotFoundError):
        participation.list_items(catalog, ANONYMOUS)
    with pytest.raises(InputError, match="trop court"):
        participation.approve(catalog, ADMIN, "ab")
    with pytest.raises(NotFoundError):
        participation.approve(catalog, ADMIN, "ffffffff")
