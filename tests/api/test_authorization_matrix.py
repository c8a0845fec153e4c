"""Every endpoint × every role × own / other jurisdiction / anonymous, from one table.

The first test fails when the OpenAPI document has an endpoint this table does not, so a new
endpoint cannot ship without its row. The target is a contract of the seller's organisation at
the Guangzhou city agency (C440100); `registrar` and `agency_admin` work there,
`other_district_registrar` at 黄埔 (D440112), `analyst` at the province, `outsider` is a seller of
another organisation. A listing row's target is the seller's achievement or demand in 天河
(440106), reviewed by the 天河 agency, which lies within the city agency's jurisdiction. A lead
row's target is a lead the seller proposed between two published listings in 天河; a broker
row's, a broker known by certificate only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import pytest

from tests.api.conftest import record_body

PERSONAS = (
    "anonymous",
    "seller",
    "outsider",
    "registrar",
    "agency_admin",
    "other_district_registrar",
    "analyst",
)
READERS = {"seller", "registrar", "agency_admin", "analyst"}  # may read the target contract


def answers(anonymous: int = 401, **by_persona: int) -> dict[str, int]:
    """Expected statuses: every persona named, anonymous 401 unless said otherwise."""
    table = {"anonymous": anonymous, **by_persona}
    missing = set(PERSONAS) - set(table)
    assert not missing, f"row lacks {missing}"
    return table


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # as in the OpenAPI document
    state: str | None  # the target contract's status before the call; None: no target needed
    expect: dict[str, int]
    body: dict | None = None
    action: str = ""
    lists_target: bool = False  # a list whose items must hold the target only for READERS
    form: dict = field(default_factory=dict)  # sent as multipart, with a CSV file of one record
    upload: bool = False  # sent as multipart, with a PDF as `file`
    contract_text: bool = False  # sent as multipart, with a contract's text as `file`
    attachment: bool = False  # the target carries an attachment (its id fills {attachment_id})
    fill: dict = field(default_factory=dict)  # other path parameters
    query: str = ""
    snapshot: bool = False  # a statistics snapshot is published first
    batch_list: bool = False  # the seller lists the target first (its id fills {batch_list_id})
    income: str = ""  # the seller declares a year first ("declared"), verified ("verified")
    listing: str = ""  # the target is the seller's listing of this kind, in `state`
    lead: bool = False  # the target is a lead the seller proposed (its id fills {lead_id})
    pair: bool = False  # two published listings first; the body names them
    broker: bool = False  # a broker is registered first (its id fills {broker_id})
    entity_list: str = ""  # sent as multipart, with this CSV text as `file`
    readers: frozenset[str] = frozenset(READERS)  # who finds the target in a list
    entity: str = ""  # "organisation" ({key}), "candidate" ({candidate_id}) or "recognition"
    # ({recognition_id}), in 天河


LISTING_READERS = frozenset({"seller", "registrar", "agency_admin"})  # before it is published


CITY_DRAFT = {"agency_code": "C440100", "record": record_body(external_id="NEW-1")}
SAME_FOR_READERS = answers(
    seller=200,
    outsider=404,
    registrar=200,
    agency_admin=200,
    other_district_registrar=404,
    analyst=200,
)

# Figures of Guangzhou (440100): its staff and the province read them; 黄埔's registrar, whose
# region is one district, and sellers do not.
STATISTICS_OF_440100 = answers(
    seller=403,
    outsider=403,
    registrar=200,
    agency_admin=200,
    other_district_registrar=403,
    analyst=200,
)

# 核定 and 退回 are the contract's own agency's; the seller who declared decides nothing.
INCOME_DECISION = answers(
    seller=403,
    outsider=404,
    registrar=200,
    agency_admin=200,
    other_district_registrar=404,
    analyst=403,
)


def listing_rows(kind: str) -> tuple[Row, ...]:
    """The same table for achievements and demands: the seller owns, the city's staff review."""
    plural = f"/api/v1/{kind}s"
    body = _listing_row(kind, external_id="NEW-1")
    every_signed_in = answers(**{p: 200 for p in PERSONAS if p != "anonymous"})
    return (
        Row(
            "GET",
            plural,
            "review",
            every_signed_in,
            listing=kind,
            lists_target=True,
            readers=LISTING_READERS,
        ),
        Row(
            "POST",
            plural,
            None,
            answers(
                seller=201,
                outsider=201,
                registrar=201,
                agency_admin=201,
                other_district_registrar=201,
                analyst=403,
            ),
            body={"record": body},
        ),
        Row(
            "POST",
            f"{plural}/import",
            None,
            answers(
                seller=200,
                outsider=200,
                registrar=200,
                agency_admin=200,
                other_district_registrar=200,
                analyst=403,
            ),
            form={"draft": "true"},
            listing=kind,
        ),
        Row(
            "GET",
            plural + "/{listing_id}",
            "review",
            answers(
                seller=200,
                outsider=404,
                registrar=200,
                agency_admin=200,
                other_district_registrar=404,
                analyst=404,
            ),
            listing=kind,
        ),
        Row(
            "PATCH",
            plural + "/{listing_id}",
            "draft",
            answers(
                seller=200,
                outsider=404,
                registrar=403,
                agency_admin=403,
                other_district_registrar=404,
                analyst=404,
            ),
            body={"title": "改过名称的成果或需求"},
            listing=kind,
        ),
        Row(
            "POST",
            plural + "/{listing_id}/actions/{action}",
            "review",
            answers(
                seller=403,
                outsider=404,
                registrar=200,
                agency_admin=200,
                other_district_registrar=404,
                analyst=404,
            ),
            action="publish",
            listing=kind,
        ),
        Row(
            "GET",
            plural + "/{listing_id}/matches",
            "review",
            answers(
                seller=200,
                outsider=404,
                registrar=200,
                agency_admin=200,
                other_district_registrar=404,
                analyst=404,
            ),
            listing=kind,
        ),
    )


EVERY_SIGNED_IN = answers(**{p: 200 for p in PERSONAS if p != "anonymous"})
BROKER_BODY = {"name": "周经纪", "fields": ["05"], "certificate_number": "JJR-2025-0009"}
# The register of brokers is kept by the operator and agency administrators.
KEEPS_BROKERS = answers(
    seller=403,
    outsider=403,
    registrar=403,
    agency_admin=200,
    other_district_registrar=403,
    analyst=403,
)
LEAD_ROWS: tuple[Row, ...] = (
    Row("GET", "/api/v1/leads", None, EVERY_SIGNED_IN, lead=True, lists_target=True),
    Row(
        "POST",
        "/api/v1/leads",
        None,
        answers(
            seller=201,
            outsider=201,
            registrar=201,
            agency_admin=201,
            other_district_registrar=201,
            analyst=403,
        ),
        pair=True,
    ),
    Row("GET", "/api/v1/leads/{lead_id}", None, SAME_FOR_READERS, lead=True),
    Row(
        "POST",
        "/api/v1/leads/{lead_id}/actions/{action}",
        None,
        # Its proposer follows it; agency staff watch their region's leads and do not work them.
        answers(
            seller=200,
            outsider=404,
            registrar=403,
            agency_admin=403,
            other_district_registrar=404,
            analyst=403,
        ),
        action="contact",
        lead=True,
    ),
    Row("GET", "/api/v1/brokers", None, EVERY_SIGNED_IN),
    Row(
        "POST",
        "/api/v1/brokers",
        None,
        {**KEEPS_BROKERS, "agency_admin": 201},
        body=BROKER_BODY,
    ),
    Row("GET", "/api/v1/brokers/{broker_id}", None, EVERY_SIGNED_IN, broker=True),
    Row("PUT", "/api/v1/brokers/{broker_id}", None, KEEPS_BROKERS, body=BROKER_BODY, broker=True),
    Row(
        "GET",
        "/api/v1/market/funnel",
        None,
        # Sellers read the funnel of their own leads; agency staff within their jurisdiction.
        answers(
            seller=200,
            outsider=200,
            registrar=200,
            agency_admin=200,
            other_district_registrar=403,
            analyst=200,
        ),
        query="?period=2025&by=region&region=440100",
        lead=True,
    ),
)


def _listing_row(kind: str, **overrides: str) -> dict[str, str]:
    from tests.market.builders import achievement_row, demand_row

    make = achievement_row if kind == "achievement" else demand_row
    return make(**{"region": "440106", **overrides})


TABLE: tuple[Row, ...] = (
    *listing_rows("achievement"),
    *listing_rows("demand"),
    *LEAD_ROWS,
    Row(
        "GET",
        "/api/v1/contracts",
        "submitted",
        answers(**{p: 200 for p in PERSONAS if p != "anonymous"}),
        lists_target=True,
    ),
    Row(
        "POST",
        "/api/v1/contracts",
        None,
        answers(
            seller=201,
            outsider=403,
            registrar=403,
            agency_admin=403,
            other_district_registrar=403,
            analyst=403,
        ),
        body=CITY_DRAFT,
    ),
    Row("GET", "/api/v1/contracts/{contract_id}", "submitted", SAME_FOR_READERS),
    Row(
        "PATCH",
        "/api/v1/contracts/{contract_id}",
        "draft",
        answers(
            seller=200,
            outsider=404,
            registrar=403,
            agency_admin=403,
            other_district_registrar=404,
            analyst=403,
        ),
        body={"name": "正极材料技术开发合同"},
    ),
    Row("GET", "/api/v1/contracts/{contract_id}/history", "submitted", SAME_FOR_READERS),
    # Risk signals are for agency staff: the seller reads its contract, not what it raised.
    Row(
        "GET",
        "/api/v1/contracts/{contract_id}/signals",
        "submitted",
        answers(
            seller=403,
            outsider=404,
            registrar=200,
            agency_admin=200,
            other_district_registrar=404,
            analyst=200,
        ),
    ),
    Row(
        "POST",
        "/api/v1/contracts/{contract_id}/attachments",
        "submitted",
        answers(
            seller=201,
            outsider=404,
            registrar=201,
            agency_admin=201,
            other_district_registrar=404,
            analyst=403,
        ),
        upload=True,
    ),
    Row("GET", "/api/v1/contracts/{contract_id}/attachments", "submitted", SAME_FOR_READERS),
    Row(
        "POST",
        "/api/v1/contracts/precheck",
        None,
        answers(
            seller=200,
            outsider=200,
            registrar=200,
            agency_admin=200,
            other_district_registrar=200,
            analyst=200,
        ),
        contract_text=True,
    ),
    Row(
        "GET",
        "/api/v1/contracts/{contract_id}/attachments/{attachment_id}",
        "submitted",
        SAME_FOR_READERS,
        attachment=True,
    ),
    Row(
        "GET",
        "/api/v1/contracts/{contract_id}/certificate.pdf",
        "registered",
        answers(
            seller=200,
            outsider=404,
            registrar=200,
            agency_admin=200,
            other_district_registrar=404,
            analyst=403,
        ),
    ),
    Row(
        "POST",
        "/api/v1/contracts/{contract_id}/actions/{action}",
        "submitted",
        answers(
            seller=403,
            outsider=404,
            registrar=200,
            agency_admin=200,
            other_district_registrar=404,
            analyst=403,
        ),
        action="accept",
    ),
    Row("GET", "/api/v1/contracts/{contract_id}/income", "registered", SAME_FOR_READERS),
    Row(
        "POST",
        "/api/v1/contracts/{contract_id}/income",
        "registered",
        answers(
            seller=201,
            outsider=404,
            registrar=403,
            agency_admin=403,
            other_district_registrar=404,
            analyst=403,
        ),
        body={"year": 2025, "received": "600000.00", "technical": "500000.00"},
    ),
    Row(
        "POST",
        "/api/v1/contracts/{contract_id}/income/{declaration_id}/verify",
        "registered",
        INCOME_DECISION,
        income="declared",
    ),
    Row(
        "POST",
        "/api/v1/contracts/{contract_id}/income/{declaration_id}/return",
        "registered",
        INCOME_DECISION,
        body={"note": "回单与申报金额不符"},
        income="declared",
    ),
    Row(
        "GET",
        "/api/v1/contracts/{contract_id}/income-sheet.pdf",
        "registered",
        answers(
            seller=200,
            outsider=404,
            registrar=200,
            agency_admin=200,
            other_district_registrar=404,
            analyst=403,
        ),
        income="verified",
    ),
    Row(
        "POST",
        "/api/v1/imports",
        None,
        answers(
            seller=403,
            outsider=403,
            registrar=200,
            agency_admin=200,
            other_district_registrar=403,
            analyst=403,
        ),
        form={"agency_code": "C440100", "dry_run": "true"},
    ),
    Row(
        "POST",
        "/api/v1/batch-lists",
        "registered",
        answers(
            seller=201,
            outsider=404,
            registrar=403,
            agency_admin=403,
            other_district_registrar=403,
            analyst=403,
        ),
        body={"contract_ids": ["{contract_id}"]},
    ),
    Row(
        "GET",
        "/api/v1/batch-lists/{batch_list_id}.pdf",
        "registered",
        answers(
            seller=200,
            outsider=404,
            registrar=200,
            agency_admin=200,
            other_district_registrar=404,
            analyst=403,
        ),
        batch_list=True,
    ),
    Row(
        "GET",
        "/api/v1/stats/tables/{name}",
        None,
        STATISTICS_OF_440100,
        fill={"name": "overview"},
        query="?period=2025&region=440100",
        snapshot=True,
    ),
    Row(
        "GET",
        "/api/v1/stats/agencies",
        None,
        STATISTICS_OF_440100,
        query="?period=2025&region=440100",
    ),
    Row(
        "GET",
        "/api/v1/targets/{code}/progress",
        None,
        STATISTICS_OF_440100,
        fill={"code": "gz-sti-2019-2021"},
        query="?as_of=2020-06-30",
        snapshot=True,
    ),
    Row(
        "GET",
        "/api/v1/market/search",
        None,
        answers(**{p: 200 for p in PERSONAS if p != "anonymous"}),
        query="?q=%E9%9A%94%E8%86%9C&kind=demands",
    ),
    Row(
        "POST",
        "/api/v1/market/suggest-field",
        None,
        answers(**{p: 200 for p in PERSONAS if p != "anonymous"}),
        body={"text": "锂离子电池正极材料"},
    ),
    Row(
        "POST",
        "/api/v1/entities/import/{kind}",
        None,
        answers(
            seller=403,
            outsider=403,
            registrar=403,
            agency_admin=200,
            other_district_registrar=403,
            analyst=403,
        ),
        fill={"kind": "high_tech_enterprise"},
        form={"granted_on": "2024-11-28"},
        entity_list="企业名称,统一社会信用代码,证书编号\n广州矩阵科技有限公司,"
        "91440106MA1JX0014G,GR202444000001\n",
    ),
    Row("GET", "/api/v1/me", None, answers(**{p: 200 for p in PERSONAS if p != "anonymous"})),
    Row("GET", "/api/v1/agencies", None, answers(**{p: 200 for p in PERSONAS if p != "anonymous"})),
)

# The innovation-entity register: agency staff read what lies in their region, sellers nothing;
# only agency admins move a candidate. The target organisation and candidate are in 天河.
ENTITY_LIST = answers(
    seller=403,
    outsider=403,
    registrar=200,
    agency_admin=200,
    other_district_registrar=200,
    analyst=200,
)
# Single changes (revoke, move, rename): agency admins only; the target lies in 天河.
ENTITY_WRITE = answers(
    seller=403,
    outsider=403,
    registrar=403,
    agency_admin=200,
    other_district_registrar=403,
    analyst=403,
)
TABLE += (
    *(
        Row("GET", f"/api/v1/entities/{name}", None, ENTITY_LIST)
        for name in (
            "recognitions",
            "recognitions.xlsx",
            "expiring",
            "expiring.xlsx",
            "candidates",
            "candidates.xlsx",
            "candidates/yield",
            "candidates/yield.xlsx",
        )
    ),
    Row(
        "GET",
        "/api/v1/entities/organisations/{key}",
        None,
        answers(
            seller=403,
            outsider=403,
            registrar=200,
            agency_admin=200,
            other_district_registrar=403,
            analyst=200,
        ),
        entity="organisation",
    ),
    Row(
        "GET",
        "/api/v1/entities/candidates/{candidate_id}",
        None,
        answers(
            seller=403,
            outsider=403,
            registrar=200,
            agency_admin=200,
            other_district_registrar=404,
            analyst=200,
        ),
        entity="candidate",
    ),
    Row(
        "POST",
        "/api/v1/entities/candidates/{candidate_id}/stage",
        None,
        answers(
            seller=403,
            outsider=403,
            registrar=403,
            agency_admin=200,
            other_district_registrar=404,
            analyst=403,
        ),
        body={"stage": "applied"},
        entity="candidate",
    ),
    *(
        Row(
            "POST",
            path,
            None,
            ENTITY_WRITE,
            body=body,
            entity="recognition" if "recognition_id" in path else "organisation",
        )
        for path, body in (
            (
                "/api/v1/entities/recognitions/{recognition_id}/revoke",
                {"effective_on": "2024-06-01", "reason": "公告撤销"},
            ),
            ("/api/v1/entities/organisations/{key}/move", {"region": "440112", "on": "2024-06-01"}),
            (
                "/api/v1/entities/organisations/{key}/rename",
                {"name": "广州天河主体更名有限公司", "on": "2024-06-01"},
            ),
        )
    ),
)


def _entity_target(kind: str, now):  # type: ignore[no-untyped-def]
    from datetime import date

    from techmarket.entities import services
    from techmarket.registry.actors import system_actor
    from tests.entities.builders import firm, recognise

    party = firm("广州天河主体测试有限公司", region="440106")
    if kind == "organisation":
        recognise(party, date(2023, 12, 28))
        return party
    if kind == "recognition":
        return recognise(party, date(2023, 12, 28))
    row, _ = services.save_candidate(
        party,
        kind="high_tech_enterprise",
        round_name="2025年第一批",
        year=2025,
        district="440106",
        actor=system_actor(),
        now=now,
    )
    return row


def test_every_endpoint_of_the_api_has_a_row():
    from techmarket.api.app import api

    document = api.get_openapi_schema()
    endpoints = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    assert endpoints == {(row.method, row.path) for row in TABLE}


@pytest.fixture
def people(
    request, agencies, seller, outsider, registrar, agency_admin, other_district_registrar, analyst
):
    return {
        "seller": seller,
        "outsider": outsider,
        "registrar": registrar,
        "agency_admin": agency_admin,
        "other_district_registrar": other_district_registrar,
        "analyst": analyst,
    }


def _target(state: str, seller, registrar, agencies, now):  # type: ignore[no-untyped-def]
    from techmarket.registry import services
    from tests.domain.builders import valid_record

    contract = services.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    if state != "draft":
        contract = services.submit(contract.pk, actor=seller, now=now)
    if state == "registered":
        services.accept(contract.pk, actor=registrar, now=now)
        contract = services.register(contract.pk, actor=registrar, now=now)
    return contract


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", TABLE, ids=lambda r: f"{r.method} {r.path}")
def test_each_role_gets_exactly_its_answer(
    row, persona, people, api_as, agencies, now, attachment_dir, tmp_path, monkeypatch
):
    if row.snapshot:
        from techmarket.stats.refresher import refresh

        monkeypatch.setenv("TECHMARKET_STATS_PATH", str(tmp_path / "stats.duckdb"))
        refresh()
    if row.listing and row.state:
        target = _listing_target(row.listing, row.state, people["seller"], now)
    elif row.lead:
        target = _lead_target(people["seller"], now)
    elif row.broker:
        target = _broker_target(now)
    elif row.entity:
        target = _entity_target(row.entity, now)
    elif row.state:
        target = _target(row.state, people["seller"], people["registrar"], agencies, now)
    else:
        target = None
    path = row.path.replace("{action}", row.action) + row.query
    for name, value in row.fill.items():
        path = path.replace("{" + name + "}", value)
    if target is not None:
        for name in (
            "contract_id",
            "listing_id",
            "lead_id",
            "broker_id",
            "key",
            "candidate_id",
            "recognition_id",
        ):
            path = path.replace("{" + name + "}", str(target.pk))
    if row.attachment:
        path = path.replace("{attachment_id}", str(_attach(target, people["seller"], now)))
    if row.batch_list:
        from techmarket.registry.batch_lists import create_batch_list

        listed = create_batch_list([target.pk], people["seller"], now)
        path = path.replace("{batch_list_id}", str(listed.pk))
    if row.income:
        path = path.replace("{declaration_id}", str(_declare(row.income, target, people)))
    body = row.body
    if body == {"contract_ids": ["{contract_id}"]}:
        body = {"contract_ids": [target.pk]}
    if row.pair:
        found, needed = _published_pair(now)
        body = {"achievement_id": found.pk, "demand_id": needed.pk}
    client = api_as(people.get(persona))
    if row.upload:
        answer = client.client.post(path, data={"file": _pdf()}, headers=client.headers)
    elif row.contract_text:
        answer = client.client.post(path, data={"file": _contract_text()}, headers=client.headers)
    elif row.entity_list:
        upload = _entity_list(row.entity_list)
        answer = client.client.post(path, data={"file": upload, **row.form}, headers=client.headers)
    elif row.form:
        upload = _one_listing_csv(row.listing) if row.listing else _one_record_csv()
        answer = client.client.post(path, data={"file": upload, **row.form}, headers=client.headers)
    else:
        answer = client.call(row.method, path.removeprefix("/api/v1"), body)

    assert answer.status_code == row.expect[persona], answer.content
    if answer.status_code >= 400:
        assert answer["Content-Type"] == "application/problem+json"
        assert answer.json()["code"]
    if answer.status_code == 404:  # nothing of the contract or listing leaks into the refusal
        assert _label(row, target) not in answer.content.decode()
        collection = f"/{row.listing}s" if row.listing else "/leads" if row.lead else "/contracts"
        if row.entity:
            collection = "/entities/candidates"
        if row.method == "GET" and "_id}" in row.path:  # reads exactly like absent
            absent = client.call(
                "GET",
                path.replace(f"{collection}/{target.pk}", f"{collection}/999999").removeprefix(
                    "/api/v1"
                ),
            )
            assert (absent.status_code, absent.json()["code"]) == (404, answer.json()["code"])
    if row.lists_target and answer.status_code == 200:
        listed = {item["id"] for item in answer.json()["items"]}
        assert (target.pk in listed) == (persona in row.readers)


def _label(row: Row, target) -> str:  # type: ignore[no-untyped-def]
    if row.entity:
        return "广州天河主体测试有限公司"
    if row.lead:
        return target.achievement.title
    return target.title if row.listing else target.name


def _published_pair(now):  # type: ignore[no-untyped-def]
    from tests.market.leads import achievement, demand

    return achievement(now, region="440106"), demand(now, region="440106")


def _lead_target(seller, now):  # type: ignore[no-untyped-def]
    from techmarket.market.lead_services import propose

    found, needed = _published_pair(now)
    return propose(found.pk, needed.pk, actor=seller, now=now, note="推荐对接")


def _broker_target(now):  # type: ignore[no-untyped-def]
    from techmarket.market.broker_services import save_broker
    from techmarket.registry.actors import system_actor

    broker, _ = save_broker(actor=system_actor(), now=now, username=None, **BROKER_BODY)
    return broker


def _listing_target(kind: str, state: str, seller, now):  # type: ignore[no-untyped-def]
    from techmarket.domain.listings import parse_listing
    from techmarket.market import services

    record, problems = parse_listing(kind, _listing_row(kind), 1)
    assert record is not None, problems
    listing = services.create_draft(kind, record, actor=seller, now=now)
    if state != "draft":
        listing = services.submit(kind, listing.pk, actor=seller, now=now)
    return listing


def _one_listing_csv(kind: str):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.StringIO()
    row = _listing_row(kind, external_id="IMPORTED-1")
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return SimpleUploadedFile(f"{kind}s.csv", out.getvalue().encode(), "text/csv")


def _entity_list(text: str):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("list.csv", text.encode(), "text/csv")


def _one_record_csv():  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.StringIO()
    row = record_body(external_id="IMPORTED-1")
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return SimpleUploadedFile("one.csv", out.getvalue().encode(), "text/csv")


def _pdf():  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.registry.files import pdf_bytes

    return SimpleUploadedFile("scan.pdf", pdf_bytes(), "application/pdf")


def _contract_text():  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from techmarket.synth.contract_documents import generate_document

    text = generate_document(1, "development", "commissioned").text()
    return SimpleUploadedFile("contract.txt", text.encode(), "text/plain")


def _attach(contract, seller, now) -> int:  # type: ignore[no-untyped-def]
    import io

    from techmarket.registry.attachments import add_attachment
    from tests.registry.files import pdf_bytes

    return add_attachment(
        contract.pk, io.BytesIO(pdf_bytes("signed")), "signed.pdf", actor=seller, now=now
    ).pk


def _declare(state: str, contract, people) -> int:  # type: ignore[no-untyped-def]
    """A year of income declared by the seller (and verified by the registrar when asked)."""
    from datetime import datetime

    from techmarket.registry.income import declare_income, verify_income
    from tests.conftest import SHANGHAI

    when = datetime(2026, 2, 1, 9, 0, tzinfo=SHANGHAI)
    declaration = declare_income(
        contract.pk,
        year=2025,
        received="600000.00",
        technical="500000.00",
        actor=people["seller"],
        now=when,
    )
    if state == "verified":
        verify_income(declaration.pk, actor=people["registrar"], now=when)
    return declaration.pk
