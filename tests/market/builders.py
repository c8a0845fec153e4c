"""Listing rows with sensible defaults, as a company's file would hold them."""

from __future__ import annotations

import csv


def achievement_row(**overrides: str) -> dict[str, str]:
    row = {
        "external_id": "CG-001",
        "title": "高安全性锂电池隔膜制备技术",
        "summary": "一种陶瓷涂覆隔膜的制备方法，热收缩率低，适用于动力电池。",
        "indicators": "150℃热收缩率小于2%",
        "tech_field": "05",
        "maturity": "通过中试",
        "trl": "6",
        "ip_type": "01",
        "patent_numbers": "ZL 2021 1 0921116.9",
        "transfer_modes": "转让;许可",
        "price": "面议",
        "holder_name": "广州新锂科技有限公司",
        "holder_type": "企业",
        "region": "440106",
        "contact": "李工 020-12345678",
        "valid_until": "2026-12-31",
    }
    row.update(overrides)
    return row


def demand_row(**overrides: str) -> dict[str, str]:
    row = {
        "external_id": "XQ-001",
        "title": "动力电池隔膜热稳定性提升",
        "summary": "现有隔膜高温收缩，需要提升热稳定性。",
        "indicators": "150℃热收缩率小于3%",
        "conditions": "已有涂布产线",
        "tech_field": "05",
        "budget": "300000-800000",
        "cooperation_modes": "合作开发",
        "company_name": "黄埔某公司",
        "company_type": "民营企业",
        "region": "440112",
        "contact": "王经理",
        "deadline": "2026-06-30",
    }
    row.update(overrides)
    return row


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
