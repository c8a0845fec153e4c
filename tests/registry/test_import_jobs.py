"""Background imports: queued by a person, run by the worker, the outcome kept for them."""

from __future__ import annotations

import io
import os
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from techmarket.domain.problems import FileProblem, NotFound, PermissionDenied
from techmarket.registry import import_jobs
from techmarket.registry.import_jobs import (
    ImportOptions,
    job_for,
    job_problems,
    jobs_of,
    progress_of,
    queue_import,
    recover_stalled,
    run_next_job,
    work,
)
from techmarket.registry.models import AuditEvent, Contract, ImportJob
from tests.registry.import_files import bad_csv, csv_bytes, good_csv, rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def store(attachment_dir):
    return attachment_dir


def test_a_queued_file_is_imported_by_the_worker_with_its_counts(registrar, now):
    job = queue_import(good_csv(3), "合同.csv", actor=registrar, now=now)
    assert job.status == "queued" and job.rows_total == 3 and job.agency.code == "C440100"
    assert Contract.objects.count() == 0  # nothing before the worker runs

    assert work(stop_when_idle=True) == 1

    job.refresh_from_db()
    assert (job.status, job.committed, job.created, job.skipped) == ("done", True, 3, 0)
    assert progress_of(job) == import_jobs.Progress(3, 3)
    assert job.started_at is not None and job.finished_at is not None
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {"registrar"}


def test_the_same_file_queued_again_skips_what_is_there(registrar, now):
    queue_import(good_csv(2), "a.csv", actor=registrar, now=now)
    queue_import(good_csv(2), "a.csv", actor=registrar, now=now)
    work(stop_when_idle=True)
    first, second = ImportJob.objects.order_by("pk")
    assert (first.created, second.created, second.skipped) == (2, 0, 2)


def test_a_file_with_errors_keeps_every_problem_and_imports_nothing(registrar, now):
    job = queue_import(bad_csv(), "bad.csv", actor=registrar, now=now)
    run_next_job()
    job.refresh_from_db()
    assert (job.status, job.committed, job.created) == ("done", False, 0)
    assert Contract.objects.count() == 0
    problems = job_problems(job)
    assert job.error_count == len(problems) >= 2
    assert {(p.row, p.field) for p in problems} >= {(2, "name"), (3, "total_amount")}
    assert job_problems(job, offset=1, limit=1) == problems[1:2]


def test_a_migration_is_queued_with_its_option(registrar, now):
    records = [dict(r, registered_on="2025-04-01") for r in rows(2)]
    job = queue_import(
        io.BytesIO(csv_bytes(records)),
        "legacy.csv",
        actor=registrar,
        options=ImportOptions(as_registered=True),
        now=now,
    )
    run_next_job()
    job.refresh_from_db()
    assert job.committed and job.created == 2
    assert set(Contract.objects.values_list("status", flat=True)) == {"registered"}


def test_a_seller_cannot_queue_an_import(seller, now):
    with pytest.raises(PermissionDenied) as refused:
        queue_import(good_csv(), "a.csv", actor=seller, now=now)
    assert refused.value.code == "import_not_allowed"
    assert ImportJob.objects.count() == 0


def test_a_registrar_cannot_queue_an_import_into_another_agency(
    other_district_registrar, agencies, now
):
    with pytest.raises(PermissionDenied) as refused:
        queue_import(
            good_csv(), "a.csv", actor=other_district_registrar, agency=agencies["city"], now=now
        )
    assert refused.value.code == "import_not_own_agency"


def test_a_file_of_an_unknown_kind_or_over_the_limit_is_refused_at_once(
    registrar, settings, store, now
):
    with pytest.raises(FileProblem) as unknown:
        queue_import(good_csv(), "contracts.pdf", actor=registrar, now=now)
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(FileProblem) as large:
        queue_import(good_csv(), "contracts.csv", actor=registrar, now=now)
    assert (unknown.value.code, large.value.code) == (
        "import_unknown_format",
        "import_file_too_large",
    )
    assert ImportJob.objects.count() == 0
    assert [p.name for p in (store / "imports").iterdir()] == []  # no partial upload left


def test_a_file_that_cannot_be_read_fails_the_job_with_the_readers_reason(registrar, now):
    job = queue_import(io.BytesIO(b"\xff\xfe\x00garbage"), "a.xlsx", actor=registrar, now=now)
    run_next_job()
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "bad_xlsx")
    assert "xlsx" in job.error_message and job.error_message_en


def test_a_header_without_rows_fails_the_job(registrar, now):
    header = csv_bytes(rows(1)).splitlines(keepends=True)[0]
    job = queue_import(io.BytesIO(header), "empty.csv", actor=registrar, now=now)
    run_next_job()
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "import_no_rows")


def test_the_owner_and_their_agency_see_a_job_and_another_district_does_not(
    registrar, second_registrar, other_district_registrar, seller, now
):
    job = queue_import(good_csv(), "a.csv", actor=registrar, now=now)
    assert job_for(job.pk, registrar) == job
    assert job_for(job.pk, second_registrar) == job  # the same agency's staff
    for stranger in (other_district_registrar, seller):
        with pytest.raises(NotFound) as hidden:
            job_for(job.pk, stranger)
        assert hidden.value.code == "import_job_not_found"
    assert jobs_of(registrar) == [job] and jobs_of(second_registrar) == []


def test_two_workers_never_claim_the_same_job(registrar, now):
    queue_import(good_csv(), "a.csv", actor=registrar, now=now)
    first = import_jobs.claim_next(now=now)
    second = import_jobs.claim_next(now=now)
    assert first is not None and second is None
    assert ImportJob.objects.get().attempts == 1


def _crashed_job(registrar, now) -> ImportJob:
    """A job a worker claimed and then died with: running, no progress since."""
    queue_import(good_csv(), "a.csv", actor=registrar, now=now)
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)
    job = import_jobs.claim_next(now=ten_minutes_ago)
    progress = import_jobs._beside(job, ".progress")
    os.utime(progress, (ten_minutes_ago.timestamp(), ten_minutes_ago.timestamp()))
    return job


def test_a_job_whose_worker_died_is_queued_again_and_then_done(registrar, now):
    job = _crashed_job(registrar, now)
    assert recover_stalled(now=timezone.now()) == []  # ten minutes: still given time
    later = timezone.now() + timedelta(minutes=6)
    assert recover_stalled(now=later) == [job.pk]
    job.refresh_from_db()
    assert job.status == "queued"
    run_next_job()
    job.refresh_from_db()
    assert (job.status, job.created, job.attempts) == ("done", 3, 2)


def test_a_job_interrupted_twice_fails_and_says_so(registrar, now):
    job = _crashed_job(registrar, now)
    recover_stalled(now=timezone.now() + timedelta(minutes=6))
    import_jobs.claim_next(now=timezone.now() - timedelta(minutes=30))  # the second run dies
    import_jobs._beside(job, ".progress").unlink()
    assert recover_stalled(now=timezone.now()) == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "import_job_interrupted")
    assert Contract.objects.count() == 0


def test_the_worker_loop_stops_when_asked(registrar, now):
    stop = threading.Event()
    stop.set()
    assert work(stop=stop) == 0


def test_a_worker_stopped_mid_import_puts_the_job_back_in_the_queue(registrar, now, monkeypatch):
    job = queue_import(good_csv(), "a.csv", actor=registrar, now=now)

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(import_jobs, "import_records", stopped)
    with pytest.raises(KeyboardInterrupt):
        run_next_job()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.started_at) == ("queued", 0, None)


def test_the_jobs_work_command_runs_the_waiting_imports_once(registrar, now):
    from typer.testing import CliRunner

    from techmarket.cli.main import app

    job = queue_import(good_csv(2), "a.csv", actor=registrar, now=now)
    result = CliRunner().invoke(app, ["jobs", "work", "--once", "--json"])
    assert result.exit_code == 0, result.output
    assert '"jobs_run": 1' in result.stdout
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 2)
