"""登记清单: a seller lists their registered contracts; large ones never with small ones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from techmarket.domain.problems import DomainError, InvalidTransition, NotFound, PermissionDenied
from techmarket.registry import audit, services
from techmarket.registry.batch_lists import batch_list_pdf, create_batch_list
from techmarket.registry.models import AuditEvent
from tests.pdf_text import needs_pdftotext, pdf_text
from tests.registry.flow import registered, registered_large, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(seller, registrar, agencies, now):
    return [
        registered(seller, registrar, agencies["city"], now, external_id=f"GZ-2025-{i}")
        for i in (1, 2)
    ]


def test_a_seller_lists_their_registered_contracts_under_one_code(small, seller, now):
    batch = create_batch_list([c.pk for c in small], seller, now)
    assert batch.verification_code.startswith("L") and len(batch.verification_code) == 17
    assert [e.contract_id for e in batch.entries.all()] == [c.pk for c in small]
    assert [e.certificate.superseded_at for e in batch.entries.all()] == [None, None]
    assert not batch.is_large


def test_the_list_is_recorded_in_the_audit_trail_and_the_chain_holds(small, seller, now):
    batch = create_batch_list([c.pk for c in small], seller, now)
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.contract_id, event.action, event.actor) == (None, "batch_list", "seller")
    assert event.payload["batch_list"] == str(batch.pk)
    assert event.payload["contracts"] == ",".join(c.registration_number for c in small)
    assert audit.verify().ok


def test_large_and_small_contracts_are_never_mixed_in_one_list(
    small, seller, registrar, second_registrar, agencies, now
):
    large = registered_large(
        seller, registrar, second_registrar, agencies["city"], now, external_id="BIG-1"
    )
    with pytest.raises(DomainError) as refused:
        create_batch_list([small[0].pk, large.pk], seller, now)
    assert refused.value.code == "batch_mixes_large_and_small"
    assert large.registration_number in refused.value.message
    assert create_batch_list([large.pk], seller, now).is_large


def test_only_registered_contracts_are_listed(small, seller, agencies, now):
    draft = submitted(seller, agencies["city"], now, external_id="GZ-2025-9")
    with pytest.raises(InvalidTransition) as refused:
        create_batch_list([small[0].pk, draft.pk], seller, now)
    assert refused.value.code == "not_registered"


def test_a_seller_cannot_list_another_organisations_contract(small, outsider, now):
    with pytest.raises(NotFound):
        create_batch_list([small[0].pk], outsider, now)


def test_registrars_do_not_print_batch_lists(small, registrar, now):
    with pytest.raises(PermissionDenied) as refused:
        create_batch_list([small[0].pk], registrar, now)
    assert refused.value.code == "batch_list_sellers_only"


def test_an_empty_list_is_refused(seller, now):
    with pytest.raises(DomainError) as refused:
        create_batch_list([], seller, now)
    assert refused.value.code == "batch_list_size"


def test_another_seller_cannot_print_someone_elses_list(small, seller, outsider, now):
    batch = create_batch_list([c.pk for c in small], seller, now)
    with pytest.raises(NotFound) as refused:
        batch_list_pdf(batch.pk, outsider)
    assert refused.value.code == "batch_list_not_found"


@needs_pdftotext
def test_the_list_pdf_names_every_contract_and_is_marked_void_after_a_cancellation(
    small, seller, registrar, now
):
    batch = create_batch_list([c.pk for c in small], seller, now)
    text = pdf_text(batch_list_pdf(batch.pk, seller))
    assert all(c.registration_number in text for c in small)
    assert "壹佰陆拾万元整" in text and "已作废" not in text  # 2 × 800,000
    services.cancel(small[1].pk, actor=registrar, now=now + timedelta(days=2), note="解除")
    assert "已作废" in pdf_text(batch_list_pdf(batch.pk, seller))
