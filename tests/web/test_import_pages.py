"""/imports/: a registrar uploads a file, follows its job, and reads or downloads its problems."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from techmarket.registry.import_jobs import queue_import, work
from techmarket.registry.models import Contract, ImportJob
from tests.registry.import_files import bad_csv, csv_bytes, good_csv, rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def store(attachment_dir):
    return attachment_dir


def signed_in(username: str, **client_options) -> Client:
    client = Client(**client_options)
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def browser(registrar) -> Client:
    return signed_in("registrar")


def upload(client: Client, content: bytes, name: str = "合同.csv", **fields: str):
    return client.post(
        "/imports/", {**fields, "file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_the_registrars_menu_leads_to_the_import_page(browser):
    home = browser.get("/contracts/")
    assert 'href="/imports/"' in home.content.decode() and "批量导入" in home.content.decode()
    page = browser.get("/imports/")
    text = page.content.decode()
    assert page.status_code == 200
    assert (
        'type="file"' in text and 'name="as_registered"' in text and '<label for="id_file"' in text
    )


def test_a_seller_is_not_offered_imports(seller):
    client = signed_in("seller")
    assert 'href="/imports/"' not in client.get("/contracts/").content.decode()
    refused = client.get("/imports/")
    assert refused.status_code == 403 and "导入" in refused.content.decode()


def test_an_upload_queues_a_job_and_opens_its_page(browser):
    response = upload(browser, good_csv(3).getvalue(), as_registered="")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{job.pk}/"
    assert (job.file_name, job.username, job.rows_total, job.as_registered) == (
        "合同.csv",
        "registrar",
        3,
        False,
    )
    page = browser.get(response.url)
    text = page.content.decode()
    assert "正在排队导入" in text  # the message after the upload
    assert f'hx-get="/imports/{job.pk}/progress/"' in text and 'hx-trigger="every 1s"' in text
    assert 'data-status="queued"' in text and "<progress" in text


def test_the_migration_box_is_passed_to_the_job(browser):
    records = [dict(r, registered_on="2025-04-01") for r in rows(1)]
    upload(browser, csv_bytes(records), as_registered="1")
    assert ImportJob.objects.get().as_registered


def test_the_progress_part_stops_polling_and_shows_the_counts_when_done(browser):
    upload(browser, good_csv(3).getvalue())
    job = ImportJob.objects.get()
    work(stop_when_idle=True)
    part = browser.get(f"/imports/{job.pk}/progress/")
    text = part.content.decode()
    assert part.status_code == 200 and 'data-status="done"' in text
    assert "hx-get" not in text and "hx-trigger" not in text
    assert re.search(r'id="job-created">3<', text) and re.search(r'id="job-skipped">0<', text)
    assert 'value="1" max="1"' in text and "3 / 3" in text
    assert Contract.objects.count() == 3
    listing = browser.get("/imports/").content.decode()
    assert f'href="/imports/{job.pk}/"' in listing and "已完成" in listing


def test_problems_are_shown_as_a_table_and_downloaded_as_xlsx_and_csv(browser):
    upload(browser, bad_csv().getvalue(), name="bad.csv")
    work(stop_when_idle=True)
    job = ImportJob.objects.get()
    text = browser.get(f"/imports/{job.pk}/").content.decode()
    assert "没有写入任何合同" in text and 'id="problem-table"' in text
    assert "total_amount" in text and '<td class="num">3</td>' in text

    xlsx = browser.get(f"/imports/{job.pk}/problems.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row - 1 == job.problem_count
    report = browser.get(f"/imports/{job.pk}/problems.csv")
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert len(lines) - 1 == job.problem_count and "total_amount" in {
        cell for line in lines for cell in line
    }
    assert browser.get(f"/imports/{job.pk}/problems.pdf").status_code == 404


def test_the_problem_table_shows_two_hundred_rows_a_page(browser):
    records = rows(205, signed_on="不是日期")
    upload(browser, csv_bytes(records), name="many.csv")
    job = ImportJob.objects.get()
    work(stop_when_idle=True)
    job.refresh_from_db()
    assert job.problem_count >= 205
    first = browser.get(f"/imports/{job.pk}/").content.decode()
    assert first.count("<tr") - 1 == 200 and "?page=2" in first
    last_page = -(-job.problem_count // 200)
    last = browser.get(f"/imports/{job.pk}/?page={last_page}").content.decode()
    assert last.count("<tr") - 1 == job.problem_count - 200 * (last_page - 1)
    assert "?page=" + str(last_page - 1) in last and f"?page={last_page + 1}" not in last


def test_a_failed_job_says_why(browser):
    upload(browser, b"\x00\x01 not a workbook", name="a.xlsx")
    job = ImportJob.objects.get()
    work(stop_when_idle=True)
    text = browser.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-status="failed"' in text and "bad_xlsx" in text and "没有写入任何合同" in text


def test_another_districts_registrar_gets_not_found(
    browser, registrar, other_district_registrar, now
):
    job = queue_import(good_csv(), "a.csv", actor=registrar, now=now)
    stranger = signed_in("other_district_registrar")
    for path in (
        f"/imports/{job.pk}/",
        f"/imports/{job.pk}/progress/",
        f"/imports/{job.pk}/problems.csv",
    ):
        assert stranger.get(path).status_code == 404
    assert "a.csv" not in stranger.get("/imports/").content.decode()


def test_an_upload_without_a_file_or_of_the_wrong_kind_is_refused_beside_the_field(browser):
    missing = browser.post("/imports/", {"as_registered": "1"})
    assert missing.status_code == 422 and "请选择要导入的文件" in missing.content.decode()
    assert "checked" in missing.content.decode()  # the box stays as it was
    wrong = upload(browser, b"%PDF-1.4", name="scan.pdf")
    assert wrong.status_code == 422 and ".xlsx" in wrong.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(registrar, settings):
    """Through the CSRF check, as a real browser posts: the refusal must not become a 500."""
    settings.ATTACHMENT_MAX_BYTES = 1000
    client = signed_in("registrar", enforce_csrf_checks=True)
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/imports/").content.decode()
    )[1]
    content = csv_bytes(rows(20))
    assert len(content) > 1000
    response = client.post(
        "/imports/",
        {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile("big.csv", content, "text/csv")},
    )
    text = response.content.decode()
    assert response.status_code == 422, text[:300]
    assert "导入文件过大" in text and "MB" in text
    assert ImportJob.objects.count() == 0
