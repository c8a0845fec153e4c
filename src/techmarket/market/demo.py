"""Demo market: achievements and demands of the demo registry's parties, a broker, and one lead
followed to a registered contract — all through the real services, so every page has something
true to show.

Listings are built from the demo's registered contracts: the seller publishes an achievement on
the contract's topic and the buyer a demand for it, so the funnel can end in a contract whose
parties the lead check accepts. Titles are the real CSL titles of the synthetic contract names
(synth/topics.py). Vectors are left to the embedding worker that `serve` starts (about three
listings a second here): the listings are searchable by words at once, by meaning minutes later.
"""

from __future__ import annotations

import io
import json
import random
from datetime import datetime, timedelta

from techmarket.codes.regions import full_name
from techmarket.domain.listings import Kind
from techmarket.market import lead_services
from techmarket.market.broker_services import save_broker
from techmarket.market.importer import import_listings
from techmarket.market.models import Achievement, BrokerProfile, Demand
from techmarket.registry.actors import actor_for, system_actor
from techmarket.registry.models import Contract
from techmarket.registry.users import save_user
from techmarket.synth.topics import TOPICS_BY_FIELD

BROKER = "broker"
HOLDER_TYPES = {"110": "高校", "120": "科研院所", "400": "个人"}  # any other nature: 企业
MATURITIES = ("正在研发", "已有样品", "通过小试", "通过中试", "可以量产")
TRANSFER_MODES = ("转让", "许可", "合作开发", "技术服务", "作价入股")
COOPERATION_MODES = ("委托开发", "合作开发", "技术转让", "许可", "技术服务")
ACHIEVEMENT_LEADS = (
    "本成果围绕{topic}开展研究，已形成完整的技术方案和工艺流程。",
    "团队在{topic}方面积累多年，关键指标优于同类产品。",
    "针对{topic}中的瓶颈问题，提出了新的方法并完成验证。",
)
DEMAND_LEADS = (
    "我单位在生产中遇到{topic}方面的难题，现有方案成本高、稳定性不足，",
    "为提升产品竞争力，拟引进{topic}相关技术，",
    "现有产线需要在{topic}方面进行升级改造，",
)
DEMAND_ASKS = (
    "希望与高校或科研院所合作攻关。",
    "寻求成熟技术转让或许可。",
    "欢迎有相关成果的单位联系洽谈。",
)


def load_market_demo(*, region: str, seed: int, now: datetime, pairs: int = 40) -> dict[str, int]:
    """Listings for up to `pairs` registered contracts, the demo broker and one registered lead.
    Re-running adds nothing."""
    if Achievement.objects.filter(external_id__startswith="DEMO-").exists():
        return {"achievements": 0, "demands": 0, "leads": 0}
    contracts = list(
        Contract.objects.filter(status="registered")
        .exclude(buyer_id="")
        .exclude(seller_id="")
        .order_by("pk")[:pairs]
    )
    if not contracts:
        return {"achievements": 0, "demands": 0, "leads": 0}
    rnd = random.Random(seed)
    operator = system_actor()
    achievements = [_achievement_row(c, n, rnd, now) for n, c in enumerate(contracts, 1)]
    demands = [_demand_row(c, n, rnd, now) for n, c in enumerate(contracts, 1) if n % 2 == 1]
    for kind, rows in (("achievement", achievements), ("demand", demands)):
        _import(kind, rows, operator, now)
    _broker(region, now)
    leads = _lead(contracts[0], now)
    return {"achievements": len(achievements), "demands": len(demands), "leads": leads}


def _topic(contract: Contract, rnd: random.Random) -> str:
    topics = TOPICS_BY_FIELD.get(contract.tech_field) or TOPICS_BY_FIELD["01"]
    return rnd.choice(topics)


def _achievement_row(contract: Contract, n: int, rnd: random.Random, now: datetime) -> dict:
    topic = _topic(contract, rnd)
    maturity = rnd.choice(MATURITIES)
    return {
        "external_id": f"DEMO-CG-{n:03d}",
        "title": topic,
        "summary": rnd.choice(ACHIEVEMENT_LEADS).format(topic=topic)
        + f"成果目前{maturity}，可为企业提供技术支持与成果转化服务。",
        "tech_field": contract.tech_field,
        "maturity": maturity,
        "trl": str(MATURITIES.index(maturity) + 4),
        "transfer_modes": ";".join(rnd.sample(TRANSFER_MODES, 2)),
        "price": "面议" if n % 3 == 0 else str(int(contract.tech_amount)),
        "holder_name": contract.seller_name,
        "holder_id": contract.seller_id,
        "holder_type": HOLDER_TYPES.get(contract.seller_nature, "企业"),
        "region": contract.seller_region or "",
        "contact": "科技成果转化办公室",
        "valid_until": (now + timedelta(days=365)).date().isoformat(),
    }


def _demand_row(contract: Contract, n: int, rnd: random.Random, now: datetime) -> dict:
    topic = _topic(contract, rnd)
    budget = int(contract.total_amount)
    return {
        "external_id": f"DEMO-XQ-{n:03d}",
        "title": f"寻求{topic}相关技术",
        "summary": rnd.choice(DEMAND_LEADS).format(topic=topic) + rnd.choice(DEMAND_ASKS),
        "tech_field": contract.tech_field,
        "budget": f"{budget // 2}-{budget * 2}",
        "stage_needed": rnd.choice(("", "通过小试", "通过中试")),
        "cooperation_modes": rnd.choice(COOPERATION_MODES),
        "company_name": contract.buyer_name,
        "company_id": contract.buyer_id,
        "company_type": "民营企业",
        "region": contract.buyer_region or "",
        "contact": "技术部",
        "deadline": (now + timedelta(days=180)).date().isoformat(),
    }


def _import(kind: Kind, rows: list[dict], operator, now: datetime) -> None:  # type: ignore[no-untyped-def]
    lines = "\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    result = import_listings(
        kind, io.BytesIO(lines.encode()), actor=operator, now=now, name=f"demo-{kind}s.jsonl"
    )
    if not result.ok:  # the demo's own rows: a problem here is a bug, said loudly
        raise RuntimeError(f"demo {kind}s: {[p.message_en for p in result.problems][:3]}")


def _broker(region: str, now: datetime) -> BrokerProfile:
    save_user(BROKER, role="broker", password="demo")
    profile, _ = save_broker(
        actor=system_actor(),
        now=now,
        username=BROKER,
        name="陈经纪",
        fields=["01", "05", "06"],
        regions=[region],
        certificate_number="JJR-DEMO-0001",
        organisation=f"{full_name(region)}技术转移中心",
        trainings=[(f"{now.year - 1}-05-10", "技术经理人初级培训", "32", "省技术市场协会")],
    )
    return profile


def _lead(contract: Contract, now: datetime) -> int:
    """The broker pairs the first contract's parties' listings and follows the lead to it."""
    achievement = Achievement.objects.get(external_id="DEMO-CG-001")
    demand = Demand.objects.get(external_id="DEMO-XQ-001")
    broker = actor_for(BROKER)
    profile = BrokerProfile.objects.get(user__username=BROKER)
    lead = lead_services.propose(
        achievement.pk, demand.pk, actor=broker, now=now, broker_id=profile.pk
    )
    for step in (lead_services.contact, lead_services.negotiate, lead_services.sign):
        lead = step(lead.pk, actor=broker, now=now)
    lead_services.register(
        lead.pk, registration_number=contract.registration_number or "", actor=broker, now=now
    )
    return 1
