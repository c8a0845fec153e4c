"""Whole-database backup and restore with the engine's own tools (consistent, online)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from techmarket.domain.problems import DomainError, FileProblem, Unavailable


def _pg_env() -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    args = [
        "-h",
        settings.get("HOST") or "localhost",
        "-p",
        str(settings.get("PORT") or 5432),
        "-U",
        settings.get("USER") or "postgres",
    ]
    return args, env


def backup(target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        # Into a fresh file, then renamed: an existing file (an older backup, or anything
        # else of that name) is replaced whole, and a failed backup leaves nothing half-written.
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            with contextlib.closing(sqlite3.connect(partial)) as destination:
                connection.connection.backup(destination)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return
    if shutil.which("pg_dump") is None:
        raise Unavailable(
            "找不到 pg_dump：无法备份 PostgreSQL 数据库",
            "pg_dump is not installed: a PostgreSQL database cannot be backed up",
            code="backup_tool_missing",
            tool="pg_dump",
        )
    args, env = _pg_env()
    _run_tool(["pg_dump", "-Fc", "-f", str(target), *args, connection.settings_dict["NAME"]], env)


def restore(source: Path) -> None:
    """Replace the current database's content with the backup's."""
    if not source.exists():
        raise FileProblem(
            f"备份文件 {source} 不存在",
            f"backup {source} not found",
            code="backup_not_found",
            path=str(source),
        )
    if connection.vendor == "sqlite":
        try:
            uri = f"{source.resolve().as_uri()}?mode=ro"  # "#", "?" and "%" escaped
            with contextlib.closing(sqlite3.connect(uri, uri=True)) as backup_db:
                backup_db.execute("SELECT count(*) FROM registry_auditevent").fetchone()
                connection.ensure_connection()
                backup_db.backup(connection.connection)
        except sqlite3.DatabaseError as error:
            raise FileProblem(
                f"{source} 不是本平台的 SQLite 备份：{error}",
                f"{source} is not a techmarket SQLite backup: {error}",
                code="not_a_backup",
                path=str(source),
            ) from None
        return
    args, env = _pg_env()
    connection.close()
    _run_tool(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            *args,
            "-d",
            connection.settings_dict["NAME"],
            str(source),
        ],
        env,
    )


def _run_tool(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1:] or ["?"]
        raise DomainError(
            f"{command[0]} 失败：{detail[0]}",
            f"{command[0]} failed: {detail[0]}",
            code="backup_tool_failed",
            tool=command[0],
        )
