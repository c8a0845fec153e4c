"""Notices: who hears that a contract waits for them, once, and by e-mail only with SMTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from techmarket.registry import services
from techmarket.registry.models import Notice
from techmarket.registry.notices import collect, mark_read, notices_for, send_email, unread_count
from tests.registry.flow import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(agencies, now):  # type: ignore[no-untyped-def]
    """The notices begin after what is already in the trail."""
    collect(now, now.date())


def test_a_submission_is_news_to_the_agencys_registrars_only(
    started, seller, registrar, second_registrar, other_district_registrar, agencies, now
):
    submitted(seller, agencies["city"], now)
    collect(now, now.date())
    assert unread_count(registrar) == unread_count(second_registrar) == 1
    assert unread_count(other_district_registrar) == 0
    assert unread_count(seller) == 0
    assert "新申请待受理" in notices_for(registrar)[0].text


def test_collecting_twice_adds_nothing(started, seller, registrar, agencies, now):
    submitted(seller, agencies["city"], now)
    assert collect(now, now.date()) == 1
    assert collect(now, now.date()) == 0


def test_history_before_the_first_run_is_not_news(seller, registrar, agencies, now):
    submitted(seller, agencies["city"], now)
    collect(now, now.date())
    assert unread_count(registrar) == 0


def test_a_correction_request_reaches_the_seller(started, seller, registrar, agencies, now):
    contract = submitted(seller, agencies["city"], now)
    services.accept(contract.pk, actor=registrar, now=now)
    services.request_correction(contract.pk, actor=registrar, now=now, note="补全买方名称")
    collect(now, now.date())
    assert [n.kind for n in notices_for(seller)] == ["waiting"]
    assert "补正" in notices_for(seller)[0].text


def test_a_deadline_two_working_days_away_is_announced_once(
    started, seller, registrar, agencies, now
):
    contract = submitted(seller, agencies["city"], now)
    collect(now, now.date())
    from techmarket.registry.contract_list import due_by

    contract.deadline = due_by(2, now.date())
    contract.save(update_fields=["deadline"])
    collect(now, now.date())
    collect(now + timedelta(hours=1), now.date())
    kinds = [n.kind for n in notices_for(registrar)]
    assert kinds.count("due_soon") == 1


def test_mail_goes_out_only_with_smtp_and_only_once(
    started, seller, registrar, agencies, now, settings
):
    get_user_model().objects.filter(username="registrar").update(email="r@example.cn")
    submitted(seller, agencies["city"], now)
    collect(now, now.date())
    settings.EMAIL_HOST_CONFIGURED = False
    assert send_email(now) == 0
    settings.EMAIL_HOST_CONFIGURED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_email(now) == 1 and send_email(now) == 0
    assert mail.outbox[0].to == ["r@example.cn"]


def test_a_reader_marks_only_their_own_notices_read(
    started, seller, registrar, second_registrar, agencies, now
):
    submitted(seller, agencies["city"], now)
    collect(now, now.date())
    mine = Notice.objects.get(user__username="registrar")
    from techmarket.domain.problems import NotFound

    with pytest.raises(NotFound):
        mark_read(second_registrar, now, mine.pk)
    assert mark_read(registrar, now, mine.pk) == 1
    assert unread_count(registrar) == 0 and unread_count(second_registrar) == 1
