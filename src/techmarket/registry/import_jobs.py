"""Imports run in the background: queued from a page, run one at a time by `jobs work`.

`queue_import` stores the upload outside the web root (beside the attachments) and records a
queued `ImportJob`, after refusing, at once, anyone `import_records` would refuse. A worker
claims the oldest queued job with a conditional UPDATE (queued → running), so two workers never
run the same job, and runs `import_records` on the stored file: all or nothing, as always.

Progress lives in a small file beside the upload, rewritten at most every `PROGRESS_EVERY`
seconds as rows pass, not in the job's row: the import is one long transaction, and on SQLite
no other connection could write the row meanwhile. The problems of a finished job are kept as
JSON Lines beside it too (a file with a million bad rows would make a very large database row).

A job interrupted by a crash: the import's transaction died with its worker, so nothing of it
was written, and the job is safe to run again. A running job whose last sign of progress (its
progress file, else its start) is older than `STALLED_AFTER` has lost its worker: it is queued
again, and a job that has already run `MAX_ATTEMPTS` times fails with `import_job_interrupted`
instead. Progress is reported every thousand rows, so a live import well within that time always
moves; the allowance is generous for the end of a very large import (the final index rebuild).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection
from django.db.models import F
from django.utils import timezone

from techmarket.accounts.models import Agency
from techmarket.domain.problems import DomainError, FileProblem, NotFound, Problem
from techmarket.domain.workflow import REGISTRAR_ROLES
from techmarket.interchange.readers import estimated_rows, record_format
from techmarket.interchange.writers import write_problems
from techmarket.registry.actors import Actor, actor_for_user, system_actor
from techmarket.registry.attachments import max_bytes, storage_root
from techmarket.registry.importer import ImportResult, import_records, import_target
from techmarket.registry.models import ImportJob

log = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between two writes of a running job's progress file
STALLED_AFTER = timedelta(minutes=15)  # without progress: the job's worker is gone
MAX_ATTEMPTS = 2  # runs of one job before an interruption fails it
POLL_SECONDS = 1.0  # a waiting worker's look for new jobs
CHUNK = 256 * 1024
# A second checking process pays for itself only on a large file (as on the command line).
PARALLEL_FROM_BYTES = 2_000_000
Status = ImportJob.Status


@dataclass(frozen=True)
class ImportOptions:
    """How the file is imported, as the API's import takes it."""

    as_registered: bool = False  # migrate already registered contracts (numbers and dates kept)
    dry_run: bool = False  # check only: nothing is written


def jobs_root() -> Path:
    """Uploads, progress and problems of import jobs: under the attachment store, outside the
    web root."""
    return storage_root() / "imports"


def import_too_large(limit: int) -> FileProblem:
    """The refusal of an import file over the upload limit (the upload handler raises it too)."""
    mib = f"{limit / 1024 / 1024:g}"
    return FileProblem(
        f"导入文件过大：不得超过 {mib} MB，请把文件拆成几份分别导入",
        f"the import file is too large: at most {mib} MB; split it into several files",
        code="import_file_too_large",
        max_bytes=limit,
    )


# --- Queueing ---------------------------------------------------------------------------------


def queue_import(
    upload: BinaryIO,
    name: str,
    *,
    actor: Actor,
    options: ImportOptions = ImportOptions(),
    now: datetime,
    agency: Agency | None = None,
) -> ImportJob:
    """Store an upload and queue its import into `agency` (default: the actor's own), refused
    up front exactly as the import itself would refuse the actor."""
    target = import_target(actor, agency)
    fmt = record_format(name)
    if fmt is None:
        raise FileProblem(
            f"无法识别文件格式“{Path(name).suffix or name}”：请上传 .csv、.jsonl 或 .xlsx 文件",
            f"unknown file format {Path(name).suffix or name!r}: upload a .csv, .jsonl or "
            ".xlsx file",
            code="import_unknown_format",
        )
    root = jobs_root()
    root.mkdir(parents=True, exist_ok=True)
    storage_name = f"{secrets.token_hex(16)}{Path(name).suffix.lower()}"
    path = root / storage_name
    size = _store(upload, path)
    try:
        return ImportJob.objects.create(
            username=actor.username,
            agency=target,
            file_name=Path(name).name[:200] or storage_name,
            storage_name=storage_name,
            size=size,
            as_registered=options.as_registered,
            dry_run=options.dry_run,
            rows_total=estimated_rows(path),
            created_at=now,
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _store(upload: BinaryIO, path: Path) -> int:
    """Stream the upload to `path` through a temporary file, stopping as soon as it passes the
    limit; nothing is held in memory beyond one chunk."""
    limit = max_bytes()
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=".incoming-", suffix=".part")
    incoming, size = Path(name), 0
    try:
        with os.fdopen(descriptor, "wb") as out:
            while chunk := upload.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise import_too_large(limit)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise FileProblem(
                "上传的是空文件", "the uploaded file is empty", code="import_file_empty"
            )
        os.replace(incoming, path)
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    return size


# --- Reading ----------------------------------------------------------------------------------


def _may_see(actor: Actor, job: ImportJob) -> bool:
    """The person who queued the job, and the staff of the agency it imports into."""
    if job.username == actor.username:
        return True
    return (
        actor.role in REGISTRAR_ROLES
        and actor.agency is not None
        and actor.agency.pk == job.agency_id
    )


def job_for(job_id: int, actor: Actor) -> ImportJob:
    """A job the actor may see; any other reads as absent."""
    job = ImportJob.objects.select_related("agency").filter(pk=job_id).first()
    if job is None or not _may_see(actor, job):
        raise NotFound(
            f"导入任务 {job_id} 不存在",
            f"no import job {job_id}",
            code="import_job_not_found",
            job=job_id,
        )
    return job


def jobs_of(actor: Actor, *, limit: int = 20) -> list[ImportJob]:
    """The actor's own most recent jobs, newest first."""
    return list(
        ImportJob.objects.select_related("agency")
        .filter(username=actor.username)
        .order_by("-created_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class Progress:
    processed: int
    total: int | None  # None: unknown until the job ends (an xlsx file)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.processed * 100 // self.total)


def progress_of(job: ImportJob) -> Progress:
    """Rows processed so far: the progress file's count while the job runs."""
    processed = job.rows_processed
    if job.status == Status.RUNNING:
        processed = max(processed, _read_progress(_beside(job, ".progress")))
    total = job.rows_total
    if total is not None:
        total = max(total, processed)  # the estimate may fall short; the bar never overflows
    return Progress(processed, total)


def job_problems(job: ImportJob, *, offset: int = 0, limit: int = 200) -> list[Problem]:
    """One page of a finished job's problems, in the file's order."""
    return list(islice(_stored_problems(job), offset, offset + limit))


def problems_report(job: ImportJob, format: str) -> Path:
    """The job's problems as a csv or xlsx report (contract-format §7), written once."""
    if format not in ("csv", "xlsx"):
        raise DomainError(
            f"问题清单只能下载为 csv 或 xlsx，不能是 {format}",
            f"a problem report is csv or xlsx, not {format}",
            code="report_format_unknown",
        )
    report = _beside(job, f".problems.{format}")
    if not report.exists():
        write_problems(report, _stored_problems(job), format)
    return report


def _stored_problems(job: ImportJob) -> Iterator[Problem]:
    path = _beside(job, ".problems.jsonl")
    if not job.finished or not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield Problem(**json.loads(line))


# --- Working ----------------------------------------------------------------------------------


def run_next_job(*, now: datetime | None = None) -> ImportJob | None:
    """Recover stalled jobs, then claim the oldest queued job and run it; None when none waits."""
    recover_stalled(now=now or timezone.now())
    job = claim_next(now=now or timezone.now())
    if job is None:
        return None
    return run_job(job, now=now)


def claim_next(*, now: datetime) -> ImportJob | None:
    """Take the oldest queued job for this worker: only the worker whose conditional UPDATE
    moves it from queued to running has it."""
    waiting = (
        ImportJob.objects.filter(status=Status.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    for pk in waiting[:10]:
        taken = ImportJob.objects.filter(pk=pk, status=Status.QUEUED).update(
            status=Status.RUNNING, started_at=now, attempts=F("attempts") + 1, rows_processed=0
        )
        if taken:
            job = ImportJob.objects.select_related("agency").get(pk=pk)
            _ProgressFile(_beside(job, ".progress")).write()
            return job
    return None


def run_job(job: ImportJob, *, now: datetime | None = None) -> ImportJob:
    """Run a claimed job's import and store its outcome; a refusal or crash fails the job."""
    progress = _ProgressFile(_beside(job, ".progress"))
    path = jobs_root() / job.storage_name
    try:
        result = import_records(
            path,
            agency=job.agency,
            actor=_actor_of(job),
            now=now or timezone.now(),
            as_registered=job.as_registered,
            dry_run=job.dry_run,
            progress=progress.advance,
            parallel=job.size > PARALLEL_FROM_BYTES,
        )
    except DomainError as error:
        _fail(job, error.code, error.message, error.message_en, now=now)
    except (KeyboardInterrupt, SystemExit):
        _requeue(job)  # stopped, not broken: the import rolled back, the job waits again
        raise
    except Exception:
        log.exception("import job %s failed", job.pk)
        _fail(
            job,
            "import_job_crashed",
            "导入意外中断，没有写入任何合同；请稍后重试或联系运维人员",
            "the import broke off unexpectedly and wrote nothing; try again later or ask the "
            "operator",
            now=now,
        )
    else:
        _finish(job, result, now=now)
    _beside(job, ".progress").unlink(missing_ok=True)
    job.refresh_from_db()
    return job


def _actor_of(job: ImportJob) -> Actor:
    """Who the import runs as: the person who queued it, as they are now (a role or agency
    changed meanwhile is checked again by the import)."""
    if job.username.startswith("system:"):  # no user can take that name
        return system_actor(job.agency, login=job.username.removeprefix("system:"))
    user = get_user_model().objects.select_related("profile__agency")
    actor = actor_for_user(user.filter(username=job.username).first())
    if actor is None:
        raise NotFound(
            f"提交导入的用户 {job.username} 已停用或没有角色",
            f"the user who queued the import, {job.username}, is inactive or has no role",
            code="import_user_gone",
        )
    return actor


def _finish(job: ImportJob, result: ImportResult, *, now: datetime | None) -> None:
    if result.rows == 0:
        _fail(
            job,
            "import_no_rows",
            "文件没有数据行：表头下没有任何合同记录",
            "the file has no data rows: there is no record under the header",
            now=now,
        )
        return
    _write_problems(_beside(job, ".problems.jsonl"), result.problems)
    _settle(
        job,
        now=now,
        status=Status.DONE,
        committed=result.committed,
        created=result.created,
        skipped=result.skipped,
        rows_total=result.rows,
        rows_processed=result.rows,
        problem_count=len(result.problems),
        error_count=sum(p.severity == "error" for p in result.problems),
    )


def _fail(job: ImportJob, code: str, message: str, message_en: str, *, now: datetime | None):
    _settle(
        job,
        now=now,
        status=Status.FAILED,
        error_code=code,
        error_message=message,
        error_message_en=message_en,
    )


def _settle(job: ImportJob, *, now: datetime | None, **outcome: object) -> None:
    """Record the outcome, unless the job was meanwhile given up as stalled and queued again
    (this run then only tells the log: the next run reports, and skips what this one wrote)."""
    stored = ImportJob.objects.filter(
        pk=job.pk, status=Status.RUNNING, attempts=job.attempts
    ).update(finished_at=now or timezone.now(), **outcome)
    if not stored:
        log.warning("import job %s was taken from this worker before it ended", job.pk)


def _requeue(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts).update(
        status=Status.QUEUED, started_at=None, rows_processed=0, attempts=F("attempts") - 1
    )
    _beside(job, ".progress").unlink(missing_ok=True)


def recover_stalled(*, now: datetime) -> list[int]:
    """Queue again (or, after `MAX_ATTEMPTS` runs, fail) running jobs without progress for
    `STALLED_AFTER`: their worker is gone, and their import wrote nothing."""
    recovered = []
    for job in ImportJob.objects.filter(status=Status.RUNNING):
        if now - _last_progress(job) < STALLED_AFTER:
            continue
        same = ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts)
        if job.attempts < MAX_ATTEMPTS:
            changed = same.update(status=Status.QUEUED, started_at=None, rows_processed=0)
        else:
            minutes = int(STALLED_AFTER.total_seconds() // 60)
            changed = same.update(
                status=Status.FAILED,
                finished_at=now,
                error_code="import_job_interrupted",
                error_message=f"导入已中断 {job.attempts} 次（超过 {minutes} 分钟没有进展），"
                "没有写入任何合同；请重新上传",
                error_message_en=f"the import was interrupted {job.attempts} times (no progress "
                f"for over {minutes} minutes) and wrote nothing; upload the file again",
            )
        if changed:
            log.warning("import job %s stalled after %s run(s)", job.pk, job.attempts)
            recovered.append(job.pk)
    return recovered


def _last_progress(job: ImportJob) -> datetime:
    started = job.started_at or job.created_at
    try:
        touched = datetime.fromtimestamp(_beside(job, ".progress").stat().st_mtime, tz=UTC)
    except FileNotFoundError:
        return started
    return max(started, touched)


def work(
    *,
    stop_when_idle: bool = False,
    poll: float = POLL_SECONDS,
    stop: threading.Event | None = None,
) -> int:
    """Run queued jobs one after another, looking for new ones every `poll` seconds, until
    stopped (or, with `stop_when_idle`, until none waits); the number of jobs run."""
    stop = stop or threading.Event()
    ran = 0
    while not stop.is_set():
        if not connection.in_atomic_block:  # (tests run the worker inside a transaction)
            close_old_connections()  # a long-lived process: no connection outlives its age
        try:
            job = run_next_job()
        except Exception:  # the database busy or gone: logged, and tried again next turn
            log.exception("import worker turn failed")
            job = None
        if job is not None:
            ran += 1
            continue
        if stop_when_idle:
            break
        stop.wait(poll)
    return ran


# --- Files beside the upload ------------------------------------------------------------------


def _beside(job: ImportJob, suffix: str) -> Path:
    return jobs_root() / (Path(job.storage_name).stem + suffix)


class _ProgressFile:
    """A running job's processed-row count, rewritten (atomically) at most every
    `PROGRESS_EVERY` seconds; its modification time is the job's sign of life."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self.written = 0.0

    def advance(self, rows: int) -> None:
        self.rows += rows
        if time.monotonic() - self.written >= PROGRESS_EVERY:
            self.write()

    def write(self) -> None:
        work = self.path.with_name(self.path.name + ".part")
        work.write_text(str(self.rows), encoding="ascii")
        os.replace(work, self.path)
        self.written = time.monotonic()


def _read_progress(path: Path) -> int:
    try:
        return int(path.read_text(encoding="ascii") or 0)
    except (FileNotFoundError, ValueError):
        return 0


def _write_problems(path: Path, problems: list[Problem]) -> None:
    work = path.with_name(path.name + ".part")
    with work.open("w", encoding="utf-8") as out:
        for problem in problems:
            out.write(json.dumps(problem.as_dict(), ensure_ascii=False) + "\n")
    os.replace(work, path)
