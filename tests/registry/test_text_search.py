"""The contract text search: the trigram index finds what the plain scan finds, and stays current."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from techmarket.registry import services, text_search
from techmarket.registry.contract_list import ContractFilter, list_contracts
from techmarket.registry.models import Contract
from tests.domain.builders import valid_record
from tests.registry.flow import registered, submitted

pytestmark = pytest.mark.django_db

TERMS = [
    "丙丁戊己",  # in one name as written, and in another only as scattered trigrams
    "丙丁戊",
    "新锂科技",  # the seller of every contract
    "理工大学",  # the buyer
    "ABC",  # ASCII, any case
    "abc",
    "ext-7",  # an external id
    "100%",  # LIKE's wildcards are plain characters
    "a_c",
    '"丁戊',  # FTS5's quote is a plain character
    "甲乙",  # too short for a trigram
    "没有这几个字",
    "开发合同 广州",  # across the separator of the joined texts: name's end, seller's start
]


@pytest.fixture
def shelf(seller, registrar, agencies, now):
    """Contracts whose names hold the terms above in telling ways."""
    names = {
        "plain": "甲乙丙丁戊己庚技术开发合同",
        "scattered": "丙丁戊某丁戊己技术服务合同",  # both trigrams of 丙丁戊己, never the four
        "ascii": "Abc 智能算法技术开发合同",
        "percent": "成品率提升100%技术服务合同",
        "underscore": "axc 与 a_c 工艺技术咨询合同",
        "quote": '"丁戊" 技术转让合同',
    }
    made = {
        key: submitted(seller, agencies["city"], now, external_id=f"ext-{n}", name=name)
        for n, (key, name) in enumerate(names.items())
    }
    made["registered"] = registered(
        seller, registrar, agencies["city"], now, external_id="ext-reg", name="另一项技术开发合同"
    )
    return made


def scan(text: str) -> set[int]:
    """The rows a plain `icontains` on the five texts finds: what the index must agree with."""
    plain = (
        Q(name__icontains=text)
        | Q(seller_name__icontains=text)
        | Q(buyer_name__icontains=text)
        | Q(registration_number__icontains=text)
        | Q(external_id__icontains=text)
    )
    return set(Contract.objects.filter(plain).values_list("pk", flat=True))


@pytest.mark.parametrize("text", TERMS)
def test_the_index_finds_exactly_what_a_scan_finds(shelf, registrar, text):
    found = set(text_search.matching(Contract.objects.all(), text).values_list("pk", flat=True))
    assert found == scan(text)
    # and a list newest first, which walks the index in id order instead
    assert every_page(registrar, text, "-id", limit=2) == sorted(scan(text), reverse=True)


def test_a_term_found_only_as_scattered_trigrams_is_not_a_match(shelf):
    found = set(
        text_search.matching(Contract.objects.all(), "丙丁戊己").values_list("pk", flat=True)
    )
    assert found == {shelf["plain"].pk}


def test_wildcards_and_quotes_are_read_as_the_characters_they_are(shelf):
    def only(text: str) -> set[int]:
        return set(text_search.matching(Contract.objects.all(), text).values_list("pk", flat=True))

    assert only("100%") == {shelf["percent"].pk}
    assert only("a_c") == {shelf["underscore"].pk}
    assert only('"丁戊"') == {shelf["quote"].pk}


def test_the_registration_number_and_a_piece_of_it_find_the_contract(registrar, shelf):
    number = shelf["registered"].registration_number
    for text in (number, number[-6:]):
        page = list_contracts(registrar, ContractFilter(text=text))
        assert [row.pk for row in page.items] == [shelf["registered"].pk]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_on_sqlite_a_rare_term_is_looked_up_in_the_trigram_table(shelf):
    with CaptureQueriesContext(connection) as queries:
        list(text_search.matching(Contract.objects.all(), "丙丁戊己"))
    assert any(f"{text_search.TABLE} MATCH" in q["sql"] for q in queries.captured_queries)
    assert any("json_each" in q["sql"] for q in queries.captured_queries)


def test_a_contract_made_after_the_migrations_is_in_the_index(seller, agencies, now):
    """SQLite drops a table's triggers with the table: a migration that rebuilds the contract
    table without recreating them would leave new contracts out of the index."""
    made = submitted(
        seller, agencies["city"], now, external_id="late-1", name="量子点显示技术开发合同"
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {text_search.TABLE} WHERE {text_search.TABLE} MATCH %s",
                [text_search.fts_query("量子点显示")],
            )
            assert [row[0] for row in cursor.fetchall()] == [made.pk]
    assert list(text_search.matching(Contract.objects.all(), "量子点显示")) == [made]


def test_a_renamed_draft_is_found_by_its_new_name_only(seller, agencies, now):
    draft = services.create_draft(
        valid_record(external_id="rename-1", name="旧名称微流控芯片技术开发合同"),
        agency=agencies["city"],
        actor=seller,
        now=now,
    )
    services.edit_draft(draft.pk, {"name": "新名称柔性传感器技术开发合同"}, actor=seller, now=now)

    def found(text: str) -> list[int]:
        return list(text_search.matching(Contract.objects.all(), text).values_list("pk", flat=True))

    assert found("柔性传感器") == [draft.pk]
    assert found("微流控芯片") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_on_postgresql_the_search_can_use_the_trigram_index(shelf):
    """The condition must be the indexed expression itself, or the index is never used."""
    query = text_search.matching(Contract.objects.all(), "丙丁戊己")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny: scans win
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "registry_contract_text_bucket_trgm" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the text table's triggers")
def test_on_postgresql_the_text_table_follows_the_contract_table(seller, agencies, now):
    """Inserts, changed texts and deletes reach the text table; a status change does not touch
    it (migration 0015)."""
    draft = services.create_draft(
        valid_record(external_id="follow-1", name="石墨烯导热膜技术开发合同"),
        agency=agencies["city"],
        actor=seller,
        now=now,
    )

    def document() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT document FROM {text_search.TABLE} WHERE contract_id = %s", [draft.pk]
            )
            return [row[0] for row in cursor.fetchall()]

    assert document() == [
        f"石墨烯导热膜技术开发合同 {draft.seller_name} {draft.buyer_name}  FOLLOW-1".upper()
    ]
    services.edit_draft(draft.pk, {"name": "钙钛矿电池技术开发合同"}, actor=seller, now=now)
    assert document()[0].startswith("钙钛矿电池技术开发合同 ")
    Contract.objects.filter(pk=draft.pk).update(status="submitted")
    assert document()[0].startswith("钙钛矿电池技术开发合同 ")
    with transaction.atomic():  # rolled back: the contract's events still point at it
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM registry_contract WHERE id = %s", [draft.pk])
        assert document() == []
        transaction.set_rollback(True)


@pytest.fixture
def many(seller, agencies, now):
    """Nine contracts holding 锂电隔膜 and three holding only its trigrams, scattered; on
    PostgreSQL the last five are blocks of ids away from the first four, so a newest-first walk
    finds some in the blocks it asks for first and the rest beyond them (and the other way)."""
    text_search._ends.clear()  # the table's end as this test's rows make it
    holding = []
    for n in range(9):
        if n == 4 and connection.vendor == "postgresql":
            jump = (text_search.NEAR_BUCKETS + 2) << text_search.BUCKET_BITS
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('registry_contract', 'id'), "
                    "(SELECT MAX(id) FROM registry_contract) + %s)",
                    [jump],
                )
        holding.append(
            submitted(
                seller, agencies["city"], now, external_id=f"walk-{n}", name=f"锂电隔膜{n}号合同"
            )
        )
    for n in range(3):
        submitted(seller, agencies["city"], now, external_id=f"near-{n}", name="锂电隔某电隔膜合同")
    return [contract.pk for contract in holding]


def every_page(actor, text: str, sort: str, limit: int) -> list[int]:
    ids, cursor = [], None
    while True:
        page = list_contracts(
            actor, ContractFilter(text=text), sort=sort, cursor=cursor, limit=limit
        )
        ids += [row.pk for row in page.items]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


@pytest.mark.parametrize("first_batch, few", [(64, 5000), (1, 5000), (2, 3)])
@pytest.mark.parametrize("sort", ["-id", "id"])
def test_a_list_in_id_order_walks_the_index_and_misses_nothing(
    monkeypatch, registrar, many, first_batch, few, sort
):
    """In small batches, through the fallback after `FEW` candidates, page after page: the
    rows and their order are a plain scan's."""
    from techmarket.registry import contract_list

    monkeypatch.setattr(contract_list, "FIRST_BATCH", first_batch)
    monkeypatch.setattr(text_search, "FEW", few)
    expected = sorted(scan("锂电隔膜"), reverse=sort == "-id")
    assert sorted(expected) == sorted(many)
    assert every_page(registrar, "锂电隔膜", sort, limit=2) == expected
    assert every_page(registrar, "锂电隔膜", sort, limit=50) == expected


def test_the_walk_reads_only_what_the_actor_may_read(
    monkeypatch, many, outsider, other_district_registrar
):
    from techmarket.registry import contract_list

    monkeypatch.setattr(contract_list, "FIRST_BATCH", 1)
    assert every_page(outsider, "锂电隔膜", "-id", limit=2) == []
    assert every_page(other_district_registrar, "锂电隔膜", "id", limit=2) == []
