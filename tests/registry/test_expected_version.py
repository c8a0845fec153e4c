"""Optimistic locking: a step told which version its caller read refuses a contract changed since."""

from __future__ import annotations

import inspect
import json

import pytest
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.domain.problems import StaleObject
from techmarket.registry import services
from techmarket.registry.models import AuditEvent, Certificate, Contract, ContractVersion
from tests.domain.builders import valid_record
from tests.registry.flow import registered, submitted

pytestmark = pytest.mark.django_db
runner = CliRunner()

PUBLIC_STEPS = (
    "submit",
    "accept",
    "request_correction",
    "resubmit",
    "start_review",
    "send_to_second_review",
    "register",
    "refuse",
    "amend",
    "cancel",
    "withdraw",
    "object_to",
    "uphold_objection",
)


def _written(contract_id: int) -> tuple[object, ...]:
    """Everything a step writes about a contract: its row, its versions, events, certificates."""
    row = Contract.objects.filter(pk=contract_id).values().get()
    return (
        row,
        list(ContractVersion.objects.filter(contract_id=contract_id).values()),
        list(AuditEvent.objects.filter(contract_id=contract_id).values()),
        list(Certificate.objects.filter(contract_id=contract_id).values()),
    )


@pytest.mark.parametrize("step", PUBLIC_STEPS)
def test_every_public_workflow_step_takes_the_version_its_caller_read(step):
    parameter = inspect.signature(getattr(services, step)).parameters["expected_version"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is None


def test_a_stale_version_refuses_an_acceptance_and_writes_nothing(seller, registrar, agencies, now):
    contract = submitted(seller, agencies["city"], now)
    before = _written(contract.pk)
    with pytest.raises(StaleObject) as refused:
        services.accept(
            contract.pk, actor=registrar, now=now, expected_version=contract.version - 1
        )
    assert refused.value.code == "stale_version"
    assert refused.value.details["version"] == contract.version
    assert _written(contract.pk) == before


def test_a_stale_version_refuses_a_resubmission_and_keeps_the_old_content(
    seller, registrar, agencies, now
):
    contract = submitted(seller, agencies["city"], now)
    services.accept(contract.pk, actor=registrar, now=now)
    read = services.request_correction(contract.pk, actor=registrar, now=now, note="请补充")
    corrected = valid_record(name="锂电池正极材料制备工艺技术开发合同（补正）")
    before = _written(contract.pk)
    with pytest.raises(StaleObject) as refused:
        services.resubmit(
            contract.pk, corrected, actor=seller, now=now, expected_version=read.version - 1
        )
    assert refused.value.code == "stale_version"
    assert _written(contract.pk) == before


def test_a_stale_version_refuses_an_amendment_and_keeps_the_certificate(
    seller, registrar, agencies, now
):
    contract = registered(seller, registrar, agencies["city"], now)
    changed = valid_record(total_amount="1200000.00", tech_amount="1000000.00")
    before = _written(contract.pk)
    with pytest.raises(StaleObject):
        services.amend(
            contract.pk,
            changed,
            actor=registrar,
            now=now,
            note="追加经费",
            expected_version=contract.version + 1,
        )
    assert _written(contract.pk) == before


def test_the_version_just_read_lets_the_step_through_and_counts_up(
    seller, registrar, agencies, now
):
    contract = submitted(seller, agencies["city"], now)
    accepted = services.accept(
        contract.pk, actor=registrar, now=now, expected_version=contract.version
    )
    assert (accepted.status, accepted.version) == ("accepted", contract.version + 1)
    corrected = valid_record(name="锂电池正极材料制备工艺技术开发合同（补正）")
    asked = services.request_correction(
        contract.pk, actor=registrar, now=now, note="请补充", expected_version=accepted.version
    )
    resubmitted = services.resubmit(
        contract.pk, corrected, actor=seller, now=now, expected_version=asked.version
    )
    assert (resubmitted.status, resubmitted.name) == ("accepted", corrected.name)


def test_two_registrars_who_read_the_same_version_cannot_both_act(
    seller, registrar, second_registrar, agencies, now
):
    contract = submitted(seller, agencies["city"], now)
    read = contract.version
    services.accept(contract.pk, actor=registrar, now=now, expected_version=read)
    with pytest.raises(StaleObject):
        services.refuse(
            contract.pk,
            actor=second_registrar,
            now=now,
            reason="R02",
            note="实为设备买卖",
            expected_version=read,
        )
    assert Contract.objects.get(pk=contract.pk).status == "accepted"


# From the command line


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_the_command_line_refuses_a_stale_version_with_its_code_exit_6_and_a_hint(
    seller, registrar, agencies, now
):
    contract = submitted(seller, agencies["city"], now)
    events = AuditEvent.objects.count()
    result = invoke(
        "contracts",
        "accept",
        contract.pk,
        "--as",
        "registrar",
        "--expected-version",
        contract.version - 1,
        "--json",
    )
    assert result.exit_code == 6, result.output
    error = json.loads(result.stdout)["error"]
    assert (error["code"], error["version"]) == ("stale_version", contract.version)
    assert "--expected-version" in error["hint"] and "--expected-version" in error["hint_en"]
    assert "--" not in error["message"] + error["message_en"]
    assert AuditEvent.objects.count() == events


def test_the_command_line_prints_the_new_version_for_the_next_step(
    seller, registrar, agencies, now
):
    contract = submitted(seller, agencies["city"], now)
    accepted = invoke(
        "contracts", "accept", contract.pk, "--as", "registrar", "--expected-version",
        contract.version, "--json",
    )  # fmt: skip
    assert accepted.exit_code == 0, accepted.output
    version = json.loads(accepted.stdout)["version"]
    refused = invoke(
        "contracts", "refuse", contract.pk, "--as", "registrar", "--reason", "R02",
        "--note", "实为设备买卖", "--expected-version", version, "--json",
    )  # fmt: skip
    assert refused.exit_code == 0, refused.output
    assert json.loads(refused.stdout)["status"] == "refused"
