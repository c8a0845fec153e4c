"""Demo data: agencies, named users and synthetic contracts, all through the real services."""

from __future__ import annotations

from datetime import datetime

from techmarket.accounts.services import save_agency
from techmarket.codes.regions import children, full_name, province_code
from techmarket.domain.record import parse_record
from techmarket.registry import services
from techmarket.registry.actors import actor_for, system_actor
from techmarket.registry.importer import import_records
from techmarket.registry.models import Contract, Party
from techmarket.registry.selectors import agency_by_code
from techmarket.registry.users import save_user
from techmarket.synth.contracts import generate

DEMO_PASSWORD = "demo"


def _agencies(region: str) -> tuple[str, str]:
    province = province_code(region)
    save_agency("P" + province, name=f"{full_name(province)}技术合同认定登记中心", region=province)
    city_code = "C" + region
    save_agency(
        city_code,
        name=f"{full_name(region)}技术合同登记处",
        region=region,
        parent_code="P" + province,
    )
    districts = [r.code for r in children(region)]
    other = districts[-1] if districts else region
    other_code = "D" + other
    if other != region:
        save_agency(
            other_code,
            name=f"{full_name(other)}技术合同登记站",
            region=other,
            parent_code=city_code,
        )
    return city_code, other_code


def load_demo(
    *, contracts: int, years: list[int], region: str, seed: int, now: datetime
) -> dict[str, object]:
    city_code, other_code = _agencies(region)
    rows = (
        (i, raw)
        for i, raw in enumerate(
            generate(
                contracts,
                years=years,
                region=region,
                seed=seed,
                as_registered=True,
                agency_code=city_code,
            ),
            start=1,
        )
    )
    agency = agency_by_code(city_code)
    result = import_records(
        rows, agency=agency, actor=system_actor(agency), now=now, as_registered=True
    )
    seller = Party.objects.filter(sold__agency=agency).exclude(nature="400").first()
    users = {
        "registrar": ("registrar", city_code, None),
        "other_district_registrar": ("registrar", other_code, None),
        "analyst": ("analyst", "P" + province_code(region), None),
    }
    if seller is not None:
        users["seller"] = ("seller", None, seller.identifier)
    for username, (role, agency_code, party) in users.items():
        save_user(
            username,
            role=role,
            password=DEMO_PASSWORD,
            agency_code=agency_code,
            party_identifier=party,
        )
    _back_office_user()
    queue = _queue(seller, agency, region, seed, years[-1], now) if seller else 0
    return {
        "created": result.created,
        "skipped": result.skipped,
        "queue": queue,
        "users": sorted([*users, "admin"]),
        "agency": city_code,
    }


def _queue(
    seller: Party,
    agency,
    region: str,
    seed: int,
    year: int,  # type: ignore[no-untyped-def]
    now: datetime,
) -> int:
    """A few live applications from the demo seller, so the registrar's queue is not empty."""
    if Contract.objects.filter(seller_party=seller, status="submitted").exists():
        return 0
    actor = actor_for("seller")
    count = 0
    for raw in generate(5, years=[now.year], region=region, seed=seed + 1000):
        raw.update(
            {
                f"seller_{k}": getattr(seller, v)
                for k, v in (
                    ("name", "name"),
                    ("id", "identifier"),
                    ("nature", "nature"),
                    ("region", "region_code"),
                )
            }
        )
        record, _ = parse_record(raw, 1)
        if record is None:
            continue
        contract = services.create_draft(record, agency=agency, actor=actor, now=now)
        services.submit(contract.pk, actor=actor, now=now)
        count += 1
    return count


def _back_office_user() -> None:
    """`admin` / demo: a superuser for the Django back office (demo databases only)."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="admin")
    user.is_staff = user.is_superuser = True
    user.set_password(DEMO_PASSWORD)
    user.save()
