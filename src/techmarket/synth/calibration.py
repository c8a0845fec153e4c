"""Calibration of the synthetic contracts: the published figures the mixes are tuned to.

Kept apart from the generator so the numbers and their sources can be reviewed in one place;
CALIBRATION.md explains each choice. Sources are shared/domain.md §1.7, §2.2–2.3, §4 and
shared/data/stats/published_extracts_long.csv (source ids S1–S13 there).

Amounts are chosen per contract as base × type factor × seller factor, where each factor is
value share / count share of its category, so the expected value shares come out as published
while counts follow their own (different) mix.
"""

from __future__ import annotations

# --- contract types -----------------------------------------------------------------------------
# Value shares (成交额): service 55–60 % (national 2019 12,418/22,398 = 55 % [S2]; Shaanxi 2022
# 75.6 %; Hefei 2017 49.4 % [S11]), development ≈ 25 % (national 2013 37 % [S1], falling since),
# transfer ≈ 5 %, licence ≈ 4 % (licences were counted in transfer before 2021), consulting
# 3–5 % (Hefei 2017 9.48/144.43 = 6.6 %).
TYPE_VALUE_SHARE: dict[str, float] = {
    "service": 0.575,
    "development": 0.26,
    "transfer": 0.06,
    "license": 0.045,
    "consulting": 0.06,
}
# Count shares: Hefei 2017 service 48.5 %, consulting 14.5 % of count [S11]; national 2013
# development 15.4 of 29.5 万项 = 52 % [S1] (lower today as service grew).
TYPE_COUNT_SHARE: dict[str, float] = {
    "service": 0.47,
    "development": 0.28,
    "consulting": 0.13,
    "transfer": 0.07,
    "license": 0.05,
}

SUBTYPE_WEIGHTS: dict[str, dict[str, float]] = {
    "development": {"commissioned": 0.8, "cooperative": 0.2},
    "transfer": {
        "patent_right": 0.45,
        "patent_application_right": 0.10,
        "know_how": 0.20,
        "software_copyright": 0.15,
        "ic_layout": 0.02,
        "plant_variety": 0.03,
        "other": 0.05,
    },
    "license": {
        "patent_ordinary": 0.35,
        "patent_exclusive": 0.15,
        "patent_sole": 0.10,
        "know_how": 0.15,
        "software": 0.20,
        "other": 0.05,
    },
    "consulting": {"": 1.0},
    "service": {"general": 0.88, "training": 0.07, "intermediary": 0.05},
}

# --- 技术交易额 / 成交额 ---------------------------------------------------------------------------
# Hunan 2017 (domain.md §1.7): development 87 %, transfer 97 %, service 51 %, consulting 55 %;
# licences like transfers. With the value shares above the overall ratio is ≈ 66 %, which is
# Guangzhou 2020 (1,484.57 / 2,256.53 亿元). Per contract: with probability `full` the whole
# amount is technical, otherwise the ratio is uniform in (low, high); mean = target.
TECH_RATIO_TARGET: dict[str, float] = {
    "development": 0.87,
    "transfer": 0.97,
    "license": 0.97,
    "service": 0.51,
    "consulting": 0.55,
}
TECH_RATIO_PARTIAL: dict[str, tuple[float, float]] = {
    "development": (0.5, 0.9),
    "transfer": (0.7, 0.95),
    "license": (0.7, 0.95),
    "service": (0.15, 0.6),
    "consulting": (0.2, 0.8),
}

# --- amounts (yuan) -------------------------------------------------------------------------------
# Guangzhou 2020: 2,256.53 亿元 / 22,849 contracts = 987.6 万元 mean; medians are tens of 万元.
# A two-part log-normal mixture: a body (median 25 万, σ 1.6, mean ≈ 90 万) and 10 % large
# contracts (median 4,400 万, σ 1.2, mean ≈ 9,040 万); overall mean ≈ 985 万, median ≈ 28 万.
# A single log-normal with that mean/median ratio (σ ≈ 2.6) would make value shares on 10^4
# records swing by ±30 %, the mixture keeps them within a few percent.
TARGET_MEAN_YUAN = 9_876_000
BODY_MEDIAN_YUAN = 250_000
BODY_SIGMA = 1.6
LARGE_SHARE = 0.10
LARGE_MEDIAN_YUAN = 44_000_000
LARGE_SIGMA = 1.2
MIN_TOTAL_YUAN = 5_000
MAX_TOTAL_YUAN = 5_000_000_000

# --- sellers --------------------------------------------------------------------------------------
# National 2020 H1 [S3]: enterprises 94,243 of 136,434 output contracts (69 %) but 89.5 % of value;
# universities 23,508 (17 %), research institutes 13,298 (10 %). Guangzhou 2020: enterprises
# 91.1 % of value; Henan 2023 94 %.
SELLER_GROUP_COUNT_SHARE: dict[str, float] = {
    "enterprise": 0.70,
    "university": 0.16,
    "research_institute": 0.10,
    "medical": 0.015,
    "association": 0.01,
    "individual": 0.015,
}
SELLER_GROUP_VALUE_SHARE: dict[str, float] = {
    "enterprise": 0.90,
    "university": 0.04,
    "research_institute": 0.045,
    "medical": 0.006,
    "association": 0.003,
    "individual": 0.006,
}
SELLER_POOL_SIZE: dict[str, int] = {
    "enterprise": 2500,
    "university": 30,
    "research_institute": 60,
    "medical": 20,
    "association": 15,
    "individual": 200,
}
ENTERPRISE_NATURES: dict[str, float] = {
    "150": 0.50,
    "170": 0.15,
    "160": 0.15,
    "110": 0.08,
    "330": 0.05,
    "310": 0.02,
    "230": 0.03,
    "120": 0.02,
}

# --- buyers ---------------------------------------------------------------------------------------
# Anhui H1 2022 [S12]: 73 % of output contracts stay in the province; Guangzhou 2020 output
# 2,089 vs absorbed 1,633 亿元; national 2019 output to 港澳台 and abroad 2,090 of 22,398 亿元 (9 %).
BUYER_ORIGIN_SHARE: dict[str, float] = {
    "same_province": 0.45,
    "other_province": 0.45,
    "hmt": 0.05,
    "abroad": 0.05,
}
BUYER_NATURES: dict[str, float] = {
    "150": 0.40,
    "170": 0.14,
    "160": 0.12,
    "110": 0.08,
    "330": 0.04,
    "230": 0.02,
    "013": 0.03,
    "014": 0.02,
    "022": 0.03,
    "021": 0.02,
    "023": 0.05,
    "024": 0.02,
    "030": 0.01,
    "900": 0.02,
}
HMT_COUNTRIES: dict[str, float] = {"HKG": 0.6, "MAC": 0.1, "TWN": 0.3}
ABROAD_COUNTRIES: dict[str, float] = {
    "USA": 0.22,
    "DEU": 0.14,
    "JPN": 0.14,
    "KOR": 0.09,
    "SGP": 0.09,
    "GBR": 0.07,
    "FRA": 0.05,
    "NLD": 0.04,
    "ITA": 0.04,
    "AUS": 0.04,
    "CAN": 0.04,
    "ISR": 0.04,
}
# Buyers outside China have no USCC or region; their nature is recorded as 900 其他组织.
FOREIGN_BUYER_NATURE = "900"
BUYER_POOL_SIZE = {"same_province": 2000, "other_province": 3000, "hmt": 150, "abroad": 250}

# --- dates ----------------------------------------------------------------------------------------
# December peak (year-end registration for tax filing and annual targets, domain.md §4.4) at
# ≈ 2× an average month; Q1 low (Spring Festival). Count growth ≈ +15 % a year (national
# 2019–2021 count growth 17.5 %, 22.1 % [S2, S4]; Guangzhou 2020–21 8–11 %).
MONTH_WEIGHTS: tuple[float, ...] = (
    0.70,
    0.50,
    0.80,
    0.90,
    0.95,
    1.15,
    0.95,
    0.90,
    1.05,
    0.85,
    1.10,
    2.00,
)
YEARLY_GROWTH = 1.15

# --- codes ----------------------------------------------------------------------------------------
# Hefei 2017: 电子信息 33 % of count [S11]; Guangzhou 2020 电子信息 660/2,257 亿元 = 29 %.
FIELD_WEIGHTS: dict[str, float] = {
    "01": 0.30,
    "03": 0.15,
    "04": 0.12,
    "11": 0.10,
    "06": 0.07,
    "05": 0.06,
    "07": 0.06,
    "10": 0.06,
    "09": 0.04,
    "02": 0.03,
    "08": 0.01,
}
PAYMENT_WEIGHTS: dict[str, float] = {
    "installments": 0.55,
    "lump_sum": 0.33,
    "royalty": 0.04,
    "other": 0.08,
}
LICENSE_PAYMENT_WEIGHTS: dict[str, float] = {
    "installments": 0.40,
    "lump_sum": 0.30,
    "royalty": 0.25,
    "other": 0.05,
}
# 2020 H1: 19,521 of 136,434 contracts (14 %) under government plans [S3].
PLAN_SOURCE_WEIGHTS: dict[str, float] = {
    "none": 0.86,
    "local": 0.05,
    "provincial": 0.04,
    "national": 0.03,
    "ministry": 0.02,
}
OBJECTIVE_FILLED_SHARE = 0.4
OBJECTIVE_WEIGHTS: dict[str, float] = {
    "06": 0.40,
    "04": 0.12,
    "07": 0.12,
    "05": 0.08,
    "02": 0.08,
    "08": 0.07,
    "12": 0.05,
    "09": 0.03,
    "10": 0.02,
    "11": 0.01,
    "01": 0.01,
    "03": 0.005,
    "13": 0.005,
}
# IP type per contract type (or per sub-type where it decides). Patent types come with numbers.
IP_BY_TYPE: dict[str, dict[str, float]] = {
    "development": {"00": 0.72, "05": 0.10, "06": 0.10, "01": 0.05, "10": 0.03},
    "consulting": {"00": 0.95, "10": 0.05},
    "service": {"00": 0.84, "06": 0.08, "05": 0.05, "02": 0.01, "10": 0.02},
}
IP_BY_SUBTYPE: dict[str, dict[str, float]] = {
    "patent_right": {"01": 0.7, "02": 0.3},
    "patent_application_right": {"04": 1.0},
    "patent_exclusive": {"01": 0.8, "02": 0.2},
    "patent_sole": {"01": 0.8, "02": 0.2},
    "patent_ordinary": {"01": 0.7, "02": 0.3},
    "know_how": {"05": 1.0},
    "software_copyright": {"06": 1.0},
    "software": {"06": 1.0},
    "ic_layout": {"07": 1.0},
    "plant_variety": {"08": 1.0},
    "other": {"10": 0.7, "00": 0.3},
}
# Sub-types whose subject fixes the field.
FIELD_BY_SUBTYPE: dict[str, str] = {
    "ic_layout": "01",
    "plant_variety": "09",
    "software": "01",
    "software_copyright": "01",
}
PREFIX_GUANYU_SHARE = 0.15  # "关于…的技术开发合同"
