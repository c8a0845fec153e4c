"""Adding and updating agencies and users: an update keeps what it is not told to change."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from techmarket.accounts.models import Agency
from techmarket.accounts.services import save_agency
from techmarket.cli.main import app
from techmarket.domain.problems import DomainError
from techmarket.registry.users import save_user
from tests.registry.flow import submitted

pytestmark = pytest.mark.django_db
runner = CliRunner()
BY_AGENCY = "{year}{agency}{serial:06d}"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def _agency(code: str) -> Agency:
    return Agency.objects.select_related("parent").get(code=code)


# Updating keeps what is not passed


def test_renaming_an_agency_without_parent_keeps_its_parent(agencies):
    result = invoke("agencies", "add", "C440100", "--name", "广州市登记处", "--region", "440100")
    assert result.exit_code == 0, result.output
    city = _agency("C440100")
    assert city.name == "广州市登记处"
    assert city.parent is not None and city.parent.code == "P440000"


def test_renaming_an_agency_keeps_its_number_format(agencies):
    save_agency(
        "C440100",
        name="广州市技术合同登记处",
        region="440100",
        number_format=BY_AGENCY,
    )
    save_agency("C440100", name="广州市登记处", region="440100")
    assert _agency("C440100").number_format == BY_AGENCY


def test_an_agency_can_be_moved_to_another_parent(agencies):
    save_agency("X440000", name="广东另一中心", region="440000", number_format=BY_AGENCY)
    save_agency("C440100", name="广州市技术合同登记处", region="440100", parent_code="X440000")
    assert _agency("C440100").parent.code == "X440000"


def test_an_agency_cannot_be_its_own_ancestor(agencies):
    with pytest.raises(DomainError, match="上级"):
        save_agency("C440100", name="广州", region="440100", parent_code="C440100")
    save_agency(
        "C440100X", name="广州二处", region="440100", parent_code="C440100", number_format=BY_AGENCY
    )
    with pytest.raises(DomainError, match="上级"):
        save_agency("C440100", name="广州", region="440100", parent_code="C440100X")
    assert _agency("C440100").parent.code == "P440000"


# Changing the region


def test_the_region_of_an_agency_with_child_agencies_cannot_change(agencies):
    result = invoke(
        "agencies",
        "add",
        "C440100",
        "--name",
        "深圳",
        "--region",
        "440300",
        "--parent",
        "P440000",
        "--json",
    )
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert "下级机构" in error["message"] and "新建一个机构" in error["message"]
    assert "create a new agency" in error["message_en"]
    assert _agency("C440100").region_code == "440100"


def test_the_region_of_an_agency_with_contracts_cannot_change(agencies, seller, now):
    submitted(seller, agencies["tianhe"], now)
    with pytest.raises(DomainError) as refused:
        save_agency("D440106", name="白云", region="440111")
    assert "合同" in refused.value.message and "contracts" in refused.value.message_en
    assert _agency("D440106").region_code == "440106"


def test_the_region_of_an_agency_with_neither_can_change(agencies):
    agency, created = save_agency("D440112", name="番禺区技术合同登记站", region="440113")
    assert not created
    assert (agency.region_code, agency.parent.code) == ("440113", "C440100")


def test_a_new_region_must_lie_within_the_kept_parent(agencies):
    with pytest.raises(DomainError, match="不在上级机构辖区"):
        save_agency("D440112", name="深圳某站", region="440303")
    assert _agency("D440112").region_code == "440112"


# Codes and names


@pytest.mark.parametrize("code", ["", "   ", "C 4401", "C/../1", "{year}", "广州", "X" * 21])
def test_an_agency_code_must_be_letters_digits_dashes_or_underscores(db, code):
    result = invoke("agencies", "add", code, "--name", "某机构", "--region", "120000", "--json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert "机构代码" in error["message"] and "agency code" in error["message_en"]
    assert not Agency.objects.exists()


@pytest.mark.parametrize("name", ["", "  \t", "名" * 201])
def test_an_agency_name_must_not_be_blank_or_too_long(db, name):
    result = invoke("agencies", "add", "X8", "--name", name, "--region", "130000")
    assert result.exit_code == 1
    assert "机构名称" in result.output
    assert not Agency.objects.exists()


def test_a_plain_agency_code_with_dash_and_underscore_is_accepted(db):
    agency, created = save_agency("GZ-tech_01", name="  广州技术中心 ", region="440100")
    assert created and agency.name == "广州技术中心"


# Number formats


def test_renaming_an_agency_numbering_by_agency_is_not_refused_as_a_clash(agencies):
    save_agency(
        "C440100X",
        name="广州二处",
        region="440100",
        parent_code="P440000",
        number_format=BY_AGENCY,
    )
    result = invoke(
        "agencies", "add", "C440100X", "--name", "广州市第二登记处", "--region", "440100"
    )
    assert result.exit_code == 0, result.output
    assert _agency("C440100X").name == "广州市第二登记处"


def test_a_second_agency_of_one_region_numbering_by_region_is_still_refused(agencies):
    with pytest.raises(DomainError, match="编号格式相同"):
        save_agency("C440100X", name="广州二处", region="440100", parent_code="P440000")


# Users


@pytest.mark.parametrize("username", ["", "   ", "a b/../", "a/b", "x" * 151])
def test_a_username_must_follow_djangos_rule(agencies, username):
    result = invoke("users", "add", username, "--role", "analyst", "--agency", "C440100")
    assert result.exit_code == 1
    assert "用户名" in result.output and "username" in result.output
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()


def test_a_username_error_names_the_rule(agencies):
    with pytest.raises(DomainError) as refused:
        save_user("a b", role="analyst", agency_code="C440100")
    assert "@ . + - _" in refused.value.message
    assert "letters, digits" in refused.value.message_en


def test_a_username_with_letters_digits_and_symbols_is_accepted(agencies):
    profile = save_user("wang.li+gz@440100_x-1", role="analyst", agency_code="C440100")
    assert profile.user.username == "wang.li+gz@440100_x-1"
    chinese = save_user("王力", role="analyst", agency_code="C440100")
    assert chinese.user.username == "王力"


def test_a_cycle_already_stored_between_agencies_does_not_hang_an_update(agencies):
    from techmarket.accounts.models import Agency
    from techmarket.accounts.services import save_agency

    province = Agency.objects.get(code="P440000")
    Agency.objects.filter(pk=province.pk).update(parent=province)  # as an old admin edit left it
    agency, _ = save_agency(
        "C440100", name="广州市技术合同登记处", region="440100", parent_code="P440000"
    )
    assert agency.parent_id == province.pk


def test_a_seller_user_with_a_new_organisation_creates_it_checked(agencies):
    from techmarket.registry.models import Party
    from techmarket.registry.users import save_user

    profile = save_user(
        "newco",
        role="seller",
        party_identifier="91350100M000100Y43",
        party_name="福州新公司",
        party_region="350100",
    )
    party = Party.objects.get(identifier="91350100M000100Y43")
    assert (profile.party, party.nature, party.region_code) == (party, "100", "350100")


def test_a_new_organisation_with_a_wrong_check_character_is_refused_and_no_user_made(agencies):
    from django.contrib.auth import get_user_model

    from techmarket.domain.problems import ValidationFailed
    from techmarket.registry.users import save_user

    with pytest.raises(ValidationFailed) as refused:
        save_user(
            "newco",
            role="seller",
            party_identifier="91350100M000100Y44",
            party_name="福州新公司",
            party_region="350100",
        )
    assert refused.value.problems[0].code == "uscc_check_digit"
    assert not get_user_model().objects.filter(username="newco").exists()


def test_a_new_organisation_needs_a_region_in_use(agencies):
    from techmarket.domain.problems import DomainError
    from techmarket.registry.users import save_user

    with pytest.raises(DomainError) as refused:
        save_user(
            "newco",
            role="seller",
            party_identifier="91350100M000100Y43",
            party_name="福州新公司",
            party_region="999999",
        )
    assert refused.value.code == "region_unknown"
