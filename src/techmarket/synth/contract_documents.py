"""A labelled set of synthetic contract documents for the pre-check (issue #13).

Each document follows the clause structure of the national model contracts (技术开发（委托）
合同, 技术转让（专利权）合同, 技术许可合同, 技术咨询合同, 技术服务合同 and the training and
brokerage variants), with spelling varied the way real contracts vary it (甲方/乙方 before or
after the role, figures in 元 or 万元, dates in 年月日 or ISO). Defects are planted one at a
time and labelled with the pre-check rule id that should find them, so extraction, type
suggestion and every rule can be measured. Deterministic for a seed; pure Python.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from techmarket.domain.identifiers import patent_check_char, uscc_check_char
from techmarket.domain.money import amount_in_capitals, format_yuan

# (contract_type, subtype) → the title's statutory name, as on the model contracts' covers.
KINDS: dict[tuple[str, str | None], str] = {
    ("development", "commissioned"): "技术开发（委托）合同",
    ("development", "cooperative"): "技术开发（合作）合同",
    ("transfer", "patent_right"): "技术转让（专利权）合同",
    ("transfer", "patent_application_right"): "技术转让（专利申请权）合同",
    ("transfer", "know_how"): "技术转让（技术秘密）合同",
    ("transfer", "software_copyright"): "计算机软件著作权转让合同",
    ("license", "patent_exclusive"): "专利实施独占许可合同",
    ("license", "patent_sole"): "专利实施排他许可合同",
    ("license", "patent_ordinary"): "专利实施普通许可合同",
    ("license", "know_how"): "技术秘密使用许可合同",
    ("license", "software"): "计算机软件使用许可合同",
    ("consulting", None): "技术咨询合同",
    ("service", "general"): "技术服务合同",
    ("service", "training"): "技术培训合同",
    ("service", "intermediary"): "技术中介合同",
}
NOT_REGISTRABLE_TITLES = ("设备采购合同", "委托加工合同", "专利联合申请协议", "建设工程施工合同")
SELLER_ROLE = {
    "development": "受托方",
    "transfer": "让与方",
    "license": "许可方",
    "consulting": "受托方",
    "service": "受托方",
}
BUYER_ROLE = {
    "development": "委托方",
    "transfer": "受让方",
    "license": "被许可方",
    "consulting": "委托方",
    "service": "委托方",
}
DEFECTS = (
    "blank_unfilled",
    "amount_capitals_mismatch",
    "tech_amount_exceeds_total",
    "price_missing",
    "payment_terms_missing",
    "acceptance_missing",
    "ip_ownership_missing",
    "confidentiality_missing",
    "liability_missing",
    "term_expired",
    "restrictive_clause",
    "seller_name_mismatch",
    "patent_check_digit",
    "party_id_invalid",
    "title_contradicts_body",
)
# The day the labelled set is checked on (terms end after it unless term_expired is planted).
CHECKED_ON = date(2025, 6, 30)

_CITIES = (("南昌", "360100"), ("九江", "360400"), ("赣州", "360700"), ("广州", "440100"))
_BRANDS = "华科创智芯联达泰博睿源恒信通远航德瑞讯天海光新启卓峰宇锐昊晟图云数安"
_SELLER_KINDS = ("科技有限公司", "研究院", "大学", "智能装备有限公司", "信息技术有限公司")
_BUYER_KINDS = ("股份有限公司", "有限公司", "集团有限公司", "制造有限公司")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
_STREETS = ("高新大道", "科技路", "创新二路", "长江路", "学府大道", "金融街")
_TOPICS = (
    ("智能巡检机器人视觉定位系统", "定位误差不大于 5 毫米，识别准确率不低于 98%"),
    ("锂电池正极材料低温烧结工艺", "能耗降低 15%，首次放电比容量不低于 160 mAh/g"),
    ("工业废水膜处理装置", "出水化学需氧量不高于 50 mg/L，膜通量衰减不超过 10%"),
    ("水稻抗倒伏品种选育技术", "株高降低 10 厘米，亩产不低于 600 公斤"),
    ("城市轨道交通信号仿真平台", "仿真步长不大于 10 毫秒，支持 200 个联锁区段"),
    ("医用导管表面抗菌涂层", "抗菌率不低于 99%，涂层附着力达到 1 级"),
)
# Neutral technical prose for long documents (no clause words, no blanks, no prices).
_FILLER = (
    "系统采用模块化设计，各功能单元通过标准接口连接，便于现场更换和扩展。",
    "数据采集单元以固定频率采样，经滤波和归一化处理后送入分析模块。",
    "试验样品在恒温恒湿条件下放置四十八小时后进行性能测试，记录各项数据。",
    "工艺路线分为原料预处理、反应、分离和成型四个阶段，每个阶段设有质量控制点。",
    "软件部分采用分层架构，界面层、业务层和数据层之间以消息方式通信。",
    "关键部件选用耐腐蚀材料，结构设计考虑了振动、温度变化和粉尘的影响。",
    "算法模型在历史数据上训练，并以独立样本进行交叉检验，评价其稳定性。",
    "现场调试分为单机调试、联动调试和试运行三个环节，逐项记录运行参数。",
)


@dataclass
class Party:
    name: str
    id: str
    address: str
    representative: str


@dataclass
class Document:
    """Blocks in reading order: ("title"|"p"|"h", text) or ("table", rows)."""

    key: str
    blocks: list[tuple[str, object]]
    contract_type: str | None
    subtype: str | None
    registrable: bool
    fields: dict[str, str]  # what extraction should find (contract-record keys and extras)
    defects: tuple[str, ...] = ()
    seller_claimed: str = ""  # the seller name the applicant gives (for seller_name_mismatch)
    extras: dict[str, object] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out: list[str] = []
        for kind, content in self.blocks:
            if kind == "table":
                out.extend("\t".join(row) for row in content)  # type: ignore[attr-defined]
            else:
                out.append(str(content))
        return out

    def text(self) -> str:
        return "\n".join(self.lines()) + "\n"


def uscc(rnd: random.Random, region: str, prefix: str = "91") -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = prefix + region + "".join(rnd.choice(alphabet) for _ in range(9))
    return body + uscc_check_char(body)


def patent_number(rnd: random.Random, year: int, kind: str = "1") -> str:
    digits = f"{year}{kind}{rnd.randrange(10**6, 10**7)}"
    return f"{digits}.{patent_check_char(digits)}"


def _person(rnd: random.Random) -> str:
    return rnd.choice(_SURNAMES) + "".join(rnd.choice(_GIVEN) for _ in range(rnd.choice((1, 2))))


def _party(rnd: random.Random, kinds: tuple[str, ...]) -> Party:
    city, region = rnd.choice(_CITIES)
    name = f"{city}{''.join(rnd.sample(_BRANDS, 2))}{rnd.choice(kinds)}"
    address = f"{city}市{rnd.choice(_STREETS)}{rnd.randrange(1, 999)}号"
    return Party(name, uscc(rnd, region), address, _person(rnd))


def _day(value: date, iso: bool) -> str:
    return value.isoformat() if iso else f"{value.year}年{value.month}月{value.day}日"


def _amount_text(amount: Decimal, rnd: random.Random, capitals: Decimal | None = None) -> str:
    caps = amount_in_capitals(capitals if capitals is not None else amount)
    if amount % 100 == 0 and rnd.random() < 0.3:
        wan = format(amount / 10000, "f").rstrip("0").rstrip(".")
        return f"人民币{wan}万元（大写：{caps}）"
    figure = f"{amount:,.2f}" if rnd.random() < 0.5 else format_yuan(amount)
    return f"人民币 {figure} 元（大写：人民币{caps}）"


def generate_document(
    seed: int,
    contract_type: str | None,
    subtype: str | None,
    defect: str | None = None,
    *,
    pages: int = 0,
    title: str | None = None,
) -> Document:
    """One labelled document; contract_type None writes a non-registrable contract."""
    rnd = random.Random(seed)
    seller, buyer = _party(rnd, _SELLER_KINDS), _party(rnd, _BUYER_KINDS)
    topic, indicators = rnd.choice(_TOPICS)
    iso = rnd.random() < 0.3
    signed = date(2024, 1, 1) + timedelta(days=rnd.randrange(0, 330))
    start = signed + timedelta(days=rnd.randrange(0, 10))
    end = date(start.year + rnd.choice((2, 3, 4)), start.month, min(start.day, 28))
    if defect == "term_expired":
        end = CHECKED_ON - timedelta(days=rnd.randrange(20, 200))
    total = Decimal(rnd.randrange(50, 5000) * 1000 + rnd.choice((0, 0, 500, 380))).quantize(
        Decimal("0.01")
    )
    equipment = (total * Decimal(rnd.choice((0, 0, 10, 20))) / 100).quantize(Decimal("1"))
    materials = (total * Decimal(rnd.choice((0, 5, 8))) / 100).quantize(Decimal("1"))
    if contract_type not in ("development", "service") or subtype in ("training", "intermediary"):
        equipment = materials = Decimal(0)
    if defect == "tech_amount_exceeds_total":
        equipment, materials = total, Decimal(rnd.randrange(1000, 50000))
    kind_title = title or (
        KINDS[(contract_type, subtype)] if contract_type else rnd.choice(NOT_REGISTRABLE_TITLES)
    )
    if defect == "title_contradicts_body":
        kind_title = "技术服务合同" if contract_type != "service" else "技术开发（委托）合同"
    doc_title = kind_title if rnd.random() < 0.5 else f"{topic}{kind_title}"
    s_role = SELLER_ROLE.get(contract_type or "", "乙方")
    b_role = BUYER_ROLE.get(contract_type or "", "甲方")
    if subtype == "cooperative":
        s_role, b_role = "乙方", "甲方"
    if subtype == "intermediary":
        s_role = "中介方"
    if subtype == "training":
        s_role = "培训方"
    blocks: list[tuple[str, object]] = [("title", doc_title)]
    blocks.append(("p", f"项目名称：{topic}"))
    # party heads: "委托方（甲方）：X" or "甲方（委托方）：X"
    for role, alias, party in ((b_role, "甲方", buyer), (s_role, "乙方", seller)):
        if role in ("甲方", "乙方"):
            head = f"{role}：{party.name}"
        elif rnd.random() < 0.5:
            head = f"{role}（{alias}）：{party.name}"
        else:
            head = f"{alias}（{role}）：{party.name}"
        blocks.append(("p", head))
        blocks.append(("p", f"统一社会信用代码：{party.id}"))
        blocks.append(("p", f"住所地：{party.address}"))
        blocks.append(("p", f"法定代表人：{party.representative}"))
    blocks.append(("p", f"签订日期：{_day(signed, iso)}"))
    blocks.append(("p", f"有效期限：{_day(start, iso)}至{_day(end, iso)}"))
    blocks.append(
        (
            "p",
            "本合同双方依据《中华人民共和国民法典》的规定，经平等协商，就下列事项达成一致，"
            "共同遵守。",
        )
    )
    patents: list[str] = []
    clauses = _clauses(rnd, contract_type, subtype, topic, indicators, patents, signed)
    price, method = _price(rnd, contract_type, subtype, total, equipment, materials, defect)
    clauses.update(price)
    if defect == "restrictive_clause":
        clauses["restrict"] = rnd.choice(
            (
                "{b}不得对标的技术进行改进，也不得进行新的研究开发。",
                "{b}不得从其他来源获得与本合同标的技术类似的技术。",
                "{b}实施本技术所需的原材料必须从{s}或其指定的单位处购买。",
                "{b}不得对本合同所涉技术成果的有效性提出异议。",
            )
        ).format(b=b_role, s=s_role)
    for dropped, section in (
        ("acceptance_missing", "acceptance"),
        ("confidentiality_missing", "confidentiality"),
        ("liability_missing", "liability"),
        ("payment_terms_missing", "payment"),
        ("price_missing", "price"),
    ):
        if defect == dropped:
            clauses.pop(section, None)
    if defect == "price_missing":
        clauses["price"] = "本合同价款由双方另行协商确定。"
    if defect == "ip_ownership_missing":
        clauses.pop("ip", None)
        clauses.pop("improve", None)
    for number, (_, clause) in enumerate(clauses.items(), start=1):
        blocks.append(("h", f"第{_chinese(number)}条"))
        blocks.append(("p", clause))
    blocks.extend(("p", rnd.choice(_FILLER)) for _ in range(pages * 28))
    for role, party in ((b_role, buyer), (s_role, seller)):
        blocks.append(
            (
                "table",
                [
                    [role, ""],
                    ["名称", party.name],
                    ["法定代表人", party.representative],
                    ["住所", party.address],
                    ["签订日期", _day(signed, iso)],
                ],
            )
        )
    shown_seller_id, shown_patents = seller.id, list(patents)
    if defect == "party_id_invalid":
        wrong = seller.id[:-1] + ("0" if seller.id[-1] != "0" else "1")
        _replace(blocks, seller.id, wrong)
        shown_seller_id = wrong
    if defect == "patent_check_digit" and patents:
        number = patents[0]
        check = number[-1]
        wrong_check = "0" if check != "0" else "1"
        _replace(blocks, number, number[:-1] + wrong_check)
        shown_patents[0] = number[:-1] + wrong_check
    if defect == "blank_unfilled":
        _replace(blocks, f"法定代表人：{buyer.representative}", "法定代表人：________")
        _replace_table(blocks, buyer.representative, "")
    expected: dict[str, str] = {
        "name": doc_title.replace("（", "(").replace("）", ")"),
        "seller_name": seller.name,
        "buyer_name": buyer.name,
        "seller_id": shown_seller_id,
        "buyer_id": buyer.id,
        "seller_address": seller.address,
        "buyer_address": buyer.address,
        "seller_representative": seller.representative,
        "signed_on": signed.isoformat(),
        "valid_from": start.isoformat(),
        "valid_to": end.isoformat(),
    }
    if defect != "blank_unfilled":
        expected["buyer_representative"] = buyer.representative
    if defect != "price_missing":
        expected["total_amount"] = format_yuan(total)
        if defect != "tech_amount_exceeds_total":
            expected["tech_amount"] = format_yuan(total - equipment - materials)
        if equipment:
            expected["non_tech_equipment"] = format_yuan(equipment)
        if materials:
            expected["non_tech_materials"] = format_yuan(materials)
    if defect != "payment_terms_missing":
        expected["payment_method"] = method
    if shown_patents:
        expected["patent_numbers"] = ";".join(shown_patents)
    expected_type = contract_type
    return Document(
        key=f"{contract_type or 'other'}-{subtype or '-'}-{defect or 'clean'}-{seed}",
        blocks=blocks,
        contract_type=expected_type,
        subtype=subtype,
        registrable=contract_type is not None,
        fields=expected,
        defects=(defect,) if defect else (() if contract_type else ("not_registrable",)),
        seller_claimed=(
            f"{seller.name[:2]}另一科技有限公司"
            if defect == "seller_name_mismatch"
            else seller.name
        ),
    )


def _replace(blocks: list[tuple[str, object]], old: str, new: str) -> None:
    for index, (kind, content) in enumerate(blocks):
        if kind != "table" and old in str(content):
            blocks[index] = (kind, str(content).replace(old, new))


def _replace_table(blocks: list[tuple[str, object]], old: str, new: str) -> None:
    for kind, content in blocks:
        if kind == "table":
            for row in content:  # type: ignore[attr-defined]
                for i, cell in enumerate(row):
                    if cell == old:
                        row[i] = new


_NUMERALS = "零一二三四五六七八九"


def _chinese(number: int) -> str:
    if number < 10:
        return _NUMERALS[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[ones] if ones else "")


def _price(
    rnd: random.Random,
    contract_type: str | None,
    subtype: str | None,
    total: Decimal,
    equipment: Decimal,
    materials: Decimal,
    defect: str | None,
) -> tuple[dict[str, str], str]:
    label = {
        "development": "研究开发经费和报酬总额为",
        "transfer": "技术转让费总额为",
        "license": "许可使用费总额为",
        "consulting": "咨询报酬总额为",
        "service": "服务报酬总额为",
    }.get(contract_type or "", "合同总金额为")
    if subtype == "training":
        label = "培训费总额为"
    if rnd.random() < 0.4:
        label = "合同总金额为"
    capitals = None
    if defect == "amount_capitals_mismatch":
        capitals = total + Decimal(rnd.choice((1000, 10000, 100)))
    price = f"本合同{label}{_amount_text(total, rnd, capitals)}。"
    items = []
    if equipment:
        items.append(f"设备购置费 {format_yuan(equipment)} 元")
    if materials:
        items.append(f"材料费 {format_yuan(materials)} 元")
    if items:
        price += "其中非技术性费用为：" + "，".join(items) + "。"
    if defect == "tech_amount_exceeds_total":
        price += f"技术交易额为 {format_yuan(total + Decimal(10000))} 元。"
    if contract_type == "license" and subtype != "software":
        method = "royalty"
        payment = (
            "使用费采用入门费加提成支付的方式：合同生效后十五日内付清入门费，其余按年销售额的"
            " 3% 提成，于次年一月底前付款。"
        )
    elif rnd.random() < 0.5:
        method = "installments"
        payment = (
            "上述款项分三期支付：合同生效后十日内支付 40% 款项，中期检查后支付 30% 款项，"
            "其余款项在项目完成后付清。"
        )
    else:
        method = "lump_sum"
        payment = "上述款项以银行转账方式一次总付，于合同生效后三十日内付清全部款项。"
    return {"price": price, "payment": payment}, method


def _clauses(
    rnd: random.Random,
    contract_type: str | None,
    subtype: str | None,
    topic: str,
    indicators: str,
    patents: list[str],
    signed: date,
) -> dict[str, str]:
    c: dict[str, str] = {}
    if contract_type == "development":
        if subtype == "cooperative":
            c["object"] = (
                f"双方共同投资、共同参与研究开发“{topic}”。研究开发目标：{indicators}。"
                "甲方负责应用场景和试验条件，乙方负责技术方案和样机研制，双方按分工参与研究开发工作。"
            )
        else:
            c["object"] = (
                f"甲方委托乙方研究开发“{topic}”。研究开发目标：完成{topic}的研制，"
                f"技术指标：{indicators}。"
            )
        c["plan"] = (
            "乙方应在合同生效后十五日内向甲方提交研究开发计划，并按计划进度开展研究开发工作。"
        )
        c["acceptance"] = (
            "研究开发成果按以下标准和方法验收：由双方组织专家对样机进行测试，全部技术指标达到本合同约定的，视为验收合格，双方签署验收证明。"
        )
        c["risk"] = (
            "因现有技术水平和条件下难以克服的技术困难导致研究开发失败的，风险由双方合理分担。"
        )
        c["ip"] = "本合同研究开发所完成的技术成果，专利申请权归乙方所有，甲方享有免费实施的权利。"
    elif contract_type == "transfer":
        if subtype in ("patent_right", "patent_application_right"):
            kind = "1" if rnd.random() < 0.7 else "2"
            number = patent_number(rnd, rnd.randrange(2015, 2023), kind)
            patents.append(number)
            what = "专利权" if subtype == "patent_right" else "专利申请权"
            label = "专利号" if subtype == "patent_right" else "申请号"
            c["object"] = (
                f"让与方将其拥有的“{topic}”{what}转让给受让方。{label}：ZL {number}。"
                "该技术已在小批量生产中使用，性能稳定。"
            )
            c["deliver"] = (
                "让与方应在合同生效后三十日内向受让方交付全部技术资料，并协助办理著录项目变更手续。"
            )
            c["ip"] = f"自国家知识产权局登记公告之日起，{what}归受让方所有。"
        elif subtype == "software_copyright":
            c["object"] = (
                f"让与方将其开发完成的“{topic}控制软件 V2.0”计算机软件著作权转让给受让方，登记号 2022SR{rnd.randrange(10**6, 10**7)}。"
            )
            c["deliver"] = "让与方应交付源程序、目标程序和设计文档，并协助办理著作权转让登记。"
            c["ip"] = "著作权转让登记完成后，该软件著作权归受让方所有。"
        else:
            c["object"] = (
                f"让与方将其拥有的“{topic}”技术秘密转让给受让方，包括工艺配方、操作规程和检验方法。"
            )
            c["deliver"] = (
                "让与方应在合同生效后三十日内交付全部技术资料，并派技术人员现场指导，使受让方掌握该技术。"
            )
            c["ip"] = "合同生效后，该技术秘密的使用权和转让权归受让方所有，让与方不再使用。"
        c["improve"] = "合同生效后任何一方对标的技术所作的后续改进，其技术成果归改进方所有。"
    elif contract_type == "license":
        scope = {
            "patent_exclusive": "独占实施许可",
            "patent_sole": "排他实施许可",
            "patent_ordinary": "普通实施许可",
            "know_how": "技术秘密使用许可",
            "software": "软件使用许可",
        }[subtype or "patent_ordinary"]
        if subtype and subtype.startswith("patent"):
            number = patent_number(rnd, rnd.randrange(2015, 2023), rnd.choice("12"))
            patents.append(number)
            c["object"] = (
                f"许可方以{scope}方式许可被许可方实施其“{topic}”专利，专利号：ZL {number}。许可范围为中国境内，许可期限内许可方保证专利权有效。"
            )
        elif subtype == "know_how":
            c["object"] = (
                f"许可方以{scope}方式许可被许可方使用其“{topic}”技术秘密，许可范围为被许可方的两条生产线。"
            )
        else:
            c["object"] = (
                f"许可方以{scope}方式许可被许可方在其内部使用“{topic}控制软件”，许可用户数为五十个。"
            )
        c["deliver"] = "许可方应在合同生效后二十日内交付技术资料并提供技术指导。"
        c["ip"] = "标的技术的权属仍归许可方所有；被许可方不得将标的技术再许可第三方实施。"
        c["improve"] = (
            "双方对标的技术所作的后续改进，其技术成果归改进方所有，另一方有权在同等条件下优先受让。"
        )
    elif contract_type == "consulting":
        c["object"] = (
            f"委托方委托受托方就“{topic}”项目进行可行性论证和技术评估，受托方应提出技术路线比较和实施风险分析。"
        )
        c["deliver"] = (
            "受托方应在合同生效后六十日内提交书面咨询报告一式五份，咨询报告应当数据可靠、论证充分。"
        )
        c["evaluate"] = "咨询报告经委托方组织的专家评审通过即视为合格。"
    elif contract_type == "service":
        if subtype == "training":
            c["object"] = (
                f"培训方为委托方开展“{topic}”技术培训，培训内容包括原理、操作和维护，学员二十名，培训时间十五天。"
            )
            c["acceptance"] = (
                "培训结束时由委托方对学员进行考核，学员独立完成操作的比例不低于 90% 视为培训合格。"
            )
        elif subtype == "intermediary":
            c["object"] = (
                f"中介方为委托方提供技术中介服务，促成委托方与第三方就“{topic}”订立技术合同，并协助合同的履行。"
            )
            c["acceptance"] = "委托方与第三方的技术合同依法成立即视为中介服务完成。"
        else:
            c["object"] = (
                f"委托方委托受托方提供技术服务。受托方运用专业技术知识为委托方解决“{topic}”中的"
                f"特定技术问题，服务内容包括现场诊断和工艺改进：{indicators}。"
            )
            c["acceptance"] = (
                "服务工作成果由委托方按约定的技术指标进行现场测试，达到指标即视为工作成果合格。"
            )
    else:  # not a technology contract
        c["object"] = f"甲方向乙方提供与“{topic}”相关的设备、物料或工作，乙方按约定接收。"
        c["acceptance"] = "乙方收到后七日内进行检验，检验合格后签收。"
        c["ip"] = "与本合同有关的知识产权归各自原权利人所有。"
    c["confidentiality"] = (
        "双方对在履行本合同中知悉的对方技术资料和商业秘密负有保密义务，保密期限为五年。"
    )
    c["liability"] = "任何一方违反本合同约定的，应当承担违约责任，赔偿对方因此受到的损失。"
    c["dispute"] = (
        "因履行本合同发生争议的，双方协商解决；协商不成的，提交合同签订地有管辖权的人民法院诉讼解决。"
    )
    del signed
    return c


def labelled_set(seed: int = 13) -> list[Document]:
    """Every type and sub-type clean (two each), each with every defect that applies, and the
    non-registrable kinds: a few hundred documents, in a fixed order for a seed."""
    rnd = random.Random(seed)
    docs: list[Document] = []
    for kind, subtype in KINDS:
        for _ in range(2):
            docs.append(generate_document(rnd.randrange(10**9), kind, subtype))
        for defect in DEFECTS:
            if not _applies(defect, kind, subtype):
                continue
            docs.append(generate_document(rnd.randrange(10**9), kind, subtype, defect))
    for _ in range(8):
        docs.append(generate_document(rnd.randrange(10**9), None, None))
    return docs


def _applies(defect: str, kind: str, subtype: str | None) -> bool:
    if defect == "acceptance_missing":
        return kind == "development"
    if defect == "ip_ownership_missing":
        return kind in ("development", "transfer", "license")
    if defect == "patent_check_digit":
        return (kind, subtype) in {
            ("transfer", "patent_right"),
            ("transfer", "patent_application_right"),
            ("license", "patent_exclusive"),
            ("license", "patent_sole"),
            ("license", "patent_ordinary"),
        }
    return True
