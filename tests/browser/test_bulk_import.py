"""Bulk import in a real browser: a registrar uploads a file with mistakes, the job page
follows the background worker, and the problems appear as a table to read and download."""

from __future__ import annotations

import pytest

from tests.browser.conftest import document
from tests.browser.test_registration_journey import PASSWORD, sign_in
from tests.registry.import_files import bad_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city_registrar(agencies):  # type: ignore[no-untyped-def]
    from techmarket.registry.users import save_user

    save_user("city", role="registrar", agency_code="C440100", password=PASSWORD)
    return "city"


def test_an_upload_is_followed_to_its_problems_table(
    open_page, watch, city_registrar, attachment_dir, tmp_path
):  # type: ignore[no-untyped-def]
    from techmarket.registry.import_jobs import work

    page = open_page()
    sign_in(page, city_registrar, PASSWORD)
    page.click("nav.mainnav >> text=批量导入")
    upload = tmp_path / "合同.csv"
    upload.write_bytes(bad_csv().getvalue())
    page.set_input_files("#id_file", str(upload))
    page.click("#import-form button[type=submit]")
    page.wait_for_url("**/imports/*/")
    assert page.locator("#import-progress").get_attribute("data-status") == "queued"
    document(page, "import-queued")

    assert work(stop_when_idle=True) == 1  # the worker `techmarket serve` runs beside the server

    page.wait_for_selector("#import-progress[data-status=done]", timeout=10_000)
    assert page.locator("#job-bar").get_attribute("value") == "1"
    assert page.locator("#job-created").inner_text() == "0"
    rows = page.locator("#problem-table tbody tr")
    assert rows.count() >= 2
    assert "total_amount" in page.locator("#problem-table").inner_text()
    document(page, "import-problems")

    with page.expect_download() as download:
        page.click("text=下载 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto("/imports/")
    assert page.locator("#import-jobs").inner_text().count("合同.csv") == 1
    watch.assert_clean()
