"""Synthetic entity lists: calibrated to Guangzhou's published counts, valid, reproducible."""

from __future__ import annotations

from datetime import date

from techmarket.domain.entities import check_number
from techmarket.domain.identifiers import check_uscc
from techmarket.synth import entities as synth


def test_high_tech_certificates_in_force_match_the_published_counts():
    register = synth.generate(seed=3)
    for year, published in synth.HIGH_TECH_IN_FORCE.items():
        assert synth.in_force(register.high_tech, date(year, 12, 31)) == published


def test_every_number_and_credit_code_is_well_formed_and_unique():
    rows = synth.generate(seed=5, scale=0.1).high_tech
    assert all(not check_number("high_tech_enterprise", r["certificate_number"]) for r in rows)
    assert all(not check_uscc(r["uscc"], "uscc") for r in rows[:500])
    assert len({r["certificate_number"] for r in rows}) == len(rows)


def test_expiring_firms_are_mostly_recognised_again_under_a_new_number():
    rows = synth.generate(seed=2, scale=0.2).high_tech
    by_firm: dict[str, int] = {}
    for row in rows:
        by_firm[row["uscc"]] = by_firm.get(row["uscc"], 0) + 1
    assert sum(1 for n in by_firm.values() if n > 1) > len(by_firm) * 0.2


def test_renames_and_moves_happen_and_the_same_seed_gives_the_same_lists():
    first, second = synth.generate(seed=9, scale=0.2), synth.generate(seed=9, scale=0.2)
    assert first.renames and first.moves
    assert first.high_tech == second.high_tech


def test_tech_smes_number_about_21000_in_2023_with_valid_numbers():
    rows = list(synth.tech_sme_list(2023))
    assert len(rows) == synth.TECH_SME_2023
    assert all(not check_number("tech_sme", r["certificate_number"]) for r in rows[::200])


def test_incubators_residents_candidates_and_trained_people_are_generated():
    carriers = synth.incubators(count=20)
    assert {r["level"] for r in carriers} == {"national", "provincial", "municipal"}
    stays = synth.residents(carriers)
    assert any(r["exit_reason"] == "graduated" for r in stays)
    listed = synth.candidates(synth.generate(scale=0.05), 2023, per_district=5)
    assert {r["district"] for r in listed} <= set(synth.DISTRICTS)
    assert len(synth.trained_people(count=30)) == 30
