"""Check characters of the identifiers a contract carries (contract-format.md §6, domain.md §5.1).

The check functions return problems instead of raising, so one record can report every
identifier problem at once. Problems use row 0; the caller re-rows them with `Problem.at_row`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from techmarket.codes.regions import province_prefixes
from techmarket.domain.problems import Problem, Severity

# --- Unified social credit code (GB 32100-2015) ------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_FORBIDDEN = frozenset("IOSVZ")
USCC_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.ASCII)

# Positions 3–8 of a central-level organisation's code: not a GB/T 2260 county, city or province.
USCC_CENTRAL_REGION = "100000"

# GB 11714 organisation code (positions 9–17 of a USCC): only a soft check, because some USCCs
# (e.g. individual businesses) do not embed a valid organisation code (domain.md §5.1).
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# --- Resident identity number (GB 11643-1999) ----------------------------------------------------

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"
_RESIDENT_ID_SHAPE = re.compile(r"^\d{17}[0-9X]$", re.ASCII)
# Positions 1–2 name the province of the registered residence (GB/T 2260, codes since 1980). The
# residence permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证, 2018) carry numbers
# of the same shape whose address codes are 810000, 820000 and 830000; 83 is no GB/T 2260 code.
RESIDENCE_PERMIT_PREFIXES = frozenset({"81", "82", "83"})

# --- CN patent application numbers ------------------------------------------------------------

PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
# Kind digit: 1 invention, 2 utility model, 3 design, 8 PCT invention, 9 PCT utility model.
PATENT_KINDS = frozenset("12389")
_PATENT_SHAPE = re.compile(r"^(\d{12}|\d{8})\.?([0-9X])$", re.ASCII)
FIRST_12_DIGIT_YEAR = 2003


def _clean(value: object) -> str:
    """Full-width characters to ASCII, whitespace removed, upper case: how people type codes."""
    if type(value) is str and value.isascii() and value.isalnum():
        return value.upper()  # already NFKC and without whitespace: the usual, typed-right code
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return re.sub(r"\s+", "", text).upper()


def _problem(
    field: str, code: str, message: str, message_en: str, severity: Severity = "error"
) -> Problem:
    return Problem(0, field, code, message, message_en, severity)


# --- check characters -------------------------------------------------------------------------


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given (ValueError if not)."""
    text = first17.upper()
    if len(text) != 17 or any(c not in _USCC_VALUE for c in text):
        raise ValueError(f"need 17 characters from {USCC_ALPHABET}, got {first17!r}")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(text, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of an organisation code (digits = value, A=10 … Z=35)."""
    text = first8.upper()
    if len(text) != 8 or not text.isascii() or not text.isalnum():
        raise ValueError(f"need 8 digits or letters, got {first8!r}")
    total = sum(int(c, 36) * w for c, w in zip(text, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def resident_id_check_char(first17: str) -> str:
    """The 18th character of a resident ID whose first 17 digits are given."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdecimal():
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11]


def patent_check_char(digits: str) -> str:
    """Check character of a CN application number: 12 digits (since 2003) or 8 (before)."""
    if len(digits) not in (8, 12) or not digits.isascii() or not digits.isdecimal():
        raise ValueError(f"need 8 or 12 digits, got {digits!r}")
    total = sum(int(c) * w for c, w in zip(digits, PATENT_WEIGHTS, strict=False))
    check = total % 11
    return "X" if check == 10 else str(check)


# --- USCC -------------------------------------------------------------------------------------


def uscc_region(uscc: str) -> str:
    """Positions 3–8: the GB/T 2260 code of the authority that issued the code."""
    return _clean(uscc)[2:8]


def check_uscc(value: object, field: str) -> list[Problem]:
    """Problems of a unified social credit code; lower case is accepted (upper-cased)."""
    code = _clean(value)
    if len(code) != 18:
        return [
            _problem(
                field,
                "uscc_length",
                f"统一社会信用代码应为 18 位，实际为 {len(code)} 位：{code or '（空）'}",
                f"A unified social credit code has 18 characters, found {len(code)}: {code!r}",
            )
        ]
    forbidden = sorted({c for c in code if c in USCC_FORBIDDEN})
    if forbidden:
        chars = "、".join(forbidden)
        return [
            _problem(
                field,
                "uscc_forbidden_char",
                f"统一社会信用代码不使用字母 I、O、S、V、Z，但含有 {chars}（是否把数字 1、0、5、2 "
                f"录成了字母？）：{code}",
                f"Letters I, O, S, V, Z never occur in a unified social credit code; found "
                f"{', '.join(forbidden)} (a mistyped 1, 0, 5 or 2?): {code}",
            )
        ]
    if not _USCC_SHAPE.match(code):
        return [
            _problem(
                field,
                "uscc_format",
                f"统一社会信用代码格式错误：第 3–8 位应为数字（行政区划代码），"
                f"其余为数字或大写字母：{code}",
                f"Malformed unified social credit code: positions 3–8 must be digits (region "
                f"code), the rest digits or capital letters: {code}",
            )
        ]
    problems: list[Problem] = []
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        problems.append(
            _problem(
                field,
                "uscc_check_digit",
                f"统一社会信用代码校验位错误：应为 {expected}，实际为 {code[17]}",
                f"Check character should be {expected}, found {code[17]}",
            )
        )
    else:
        problems.extend(_check_embedded_org_code(code, field))
    return problems


def _check_embedded_org_code(code: str, field: str) -> list[Problem]:
    """Soft GB 11714 check: a warning only, since not every USCC embeds an organisation code."""
    org = code[8:17]
    if not org[:8].isalnum():
        return []
    expected = org_code_check_char(org[:8])
    if org[8] == expected:
        return []
    return [
        _problem(
            field,
            "uscc_org_code_check",
            f"统一社会信用代码第 9–17 位（组织机构代码 {org}）校验位应为 {expected}，实际为 "
            f"{org[8]}；请核对证照（个体工商户等可能不含有效的组织机构代码）",
            f"The organisation code in positions 9–17 ({org}) should end in {expected}, found "
            f"{org[8]}; please compare with the licence (some codes legitimately differ)",
            "warning",
        )
    ]


# --- resident ID ------------------------------------------------------------------------------


def check_resident_id(value: object, field: str) -> list[Problem]:
    """Problems of an 18-digit resident ID: shape, a province, a real birth date, the check
    character."""
    number = _clean(value)
    if len(number) != 18:
        return [
            _problem(
                field,
                "resident_id_length",
                f"居民身份证号码应为 18 位，实际为 {len(number)} 位：{number or '（空）'}",
                f"A resident ID number has 18 characters, found {len(number)}: {number!r}",
            )
        ]
    if not _RESIDENT_ID_SHAPE.match(number):
        return [
            _problem(
                field,
                "resident_id_format",
                f"居民身份证号码前 17 位应为数字，最后一位为数字或 X：{number}",
                f"A resident ID is 17 digits followed by a digit or X: {number}",
            )
        ]
    problems: list[Problem] = []
    if not _names_a_province(number[:2]):
        problems.append(
            _problem(
                field,
                "resident_id_province",
                f"居民身份证号码前两位 {number[:2]} 不是省级行政区划代码（GB/T 2260）",
                f"Positions 1–2 ({number[:2]}) of a resident ID name no province (GB/T 2260)",
            )
        )
    birth = number[6:14]
    if _birth_date(birth) is None:
        problems.append(
            _problem(
                field,
                "resident_id_birth_date",
                f"居民身份证号码第 7–14 位的出生日期 {birth} 不是有效日期",
                f"Positions 7–14 ({birth}) are not a real birth date",
            )
        )
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        problems.append(
            _problem(
                field,
                "resident_id_check_digit",
                f"居民身份证号码校验位错误：应为 {expected}，实际为 {number[17]}",
                f"Check character should be {expected}, found {number[17]}",
            )
        )
    return problems


def _names_a_province(prefix: str) -> bool:
    return prefix in province_prefixes() or prefix in RESIDENCE_PERMIT_PREFIXES


def resident_id_birth_date(value: object) -> date | None:
    """The birth date a resident ID carries in positions 7–14, None when it holds no real one."""
    number = _clean(value)
    if not _RESIDENT_ID_SHAPE.match(number):
        return None
    return _birth_date(number[6:14])


def _birth_date(yyyymmdd: str) -> date | None:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None
    return born if born.year >= 1900 else None


# --- party id ---------------------------------------------------------------------------------

NATURAL_PERSON = "400"
# A resident ID is shown as its region (6) and last 4 characters: enough to tell two people
# apart on screen, not enough to use the number.
MASK_KEEP_START, MASK_KEEP_END, MASK_FILL = 6, 4, "********"


def masked_party_id(identifier: str | None, nature_code: str | None) -> str:
    """A party identifier as shown to someone who may not see personal ID numbers."""
    if identifier and nature_code == NATURAL_PERSON:
        return identifier[:MASK_KEEP_START] + MASK_FILL + identifier[-MASK_KEEP_END:]
    return identifier or ""


def masked_party_id_sql(identifier: str, nature: str) -> str:
    """The same mask as a SQL expression (DuckDB, SQLite, PostgreSQL), for reports built in SQL."""
    return (
        f"CASE WHEN {nature} = '{NATURAL_PERSON}' THEN left({identifier}, {MASK_KEEP_START}) || "
        f"'{MASK_FILL}' || right({identifier}, {MASK_KEEP_END}) ELSE {identifier} END"
    )


def check_party_id(value: object, field: str, nature_code: str | None) -> list[Problem]:
    """A natural person (nature 400) identifies by resident ID, every other party by USCC.

    With an unknown nature, whichever of the two the value validates as is accepted.
    """
    if nature_code is None:
        as_uscc = check_uscc(value, field)
        if _errors(as_uscc) and not _errors(check_resident_id(value, field)):
            return []
        return as_uscc
    if nature_code == NATURAL_PERSON:
        problems = check_resident_id(value, field)
        if problems and not _errors(check_uscc(value, field)):
            return [
                _problem(
                    field,
                    "party_id_kind",
                    f"性质为自然人（400）的当事人应填写居民身份证号码，而 {_clean(value)} "
                    f"是统一社会信用代码；请更正证件号或性质",
                    f"A natural person (nature 400) is identified by a resident ID, but "
                    f"{_clean(value)} is a unified social credit code; correct the id or nature",
                )
            ]
        return problems
    problems = check_uscc(value, field)
    if _errors(problems) and not check_resident_id(value, field):
        return [
            _problem(
                field,
                "party_id_kind",
                f"性质为 {nature_code} 的当事人应填写统一社会信用代码，而 {_clean(value)} 是"
                f"居民身份证号码；自然人请把性质填为 400",
                f"A party of nature {nature_code} is identified by a unified social credit code, "
                f"but {_clean(value)} is a resident ID; use nature 400 for natural persons",
            )
        ]
    return problems


def _errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def normalise_party_id(value: object) -> str:
    """Canonical form of a USCC or resident ID: no spaces, upper case."""
    return _clean(value)


# --- patent numbers ---------------------------------------------------------------------------


def normalise_patent_number(text: object) -> str | None:
    """`ZL 2021 1 0921116.9` → `202110921116.9`; None when the shape is not a CN application no."""
    cleaned = _clean(text)
    cleaned = cleaned.removeprefix("ZL")
    match = _PATENT_SHAPE.match(cleaned)
    if not match:
        return None
    return f"{match.group(1)}.{match.group(2)}"


def check_patent_number(value: object, field: str) -> list[Problem]:
    """Problems of one CN patent application number: shape, kind digit, year, check character."""
    canonical = normalise_patent_number(value)
    shown = str(value).strip() if value is not None else ""
    if canonical is None:
        return [
            _problem(
                field,
                "patent_format",
                f"专利号 {shown or '（空）'} 格式错误：应为 12 位数字加校验位（如 ZL 2021 1 "
                f"0921116.9），2003 年以前为 8 位数字加校验位",
                f"Patent number {shown!r} is malformed: expected 12 digits and a check character "
                f"(e.g. ZL 2021 1 0921116.9), or 8 digits and a check character before 2003",
            )
        ]
    digits, check = canonical.split(".")
    problems: list[Problem] = []
    kind = digits[4] if len(digits) == 12 else digits[2]
    if kind not in PATENT_KINDS:
        problems.append(
            _problem(
                field,
                "patent_kind",
                f"专利号 {canonical} 的类型位为 {kind}，应为 1（发明）、2（实用新型）、"
                f"3（外观设计）、8 或 9（PCT）",
                f"Patent number {canonical} has kind digit {kind}; expected 1, 2, 3, 8 or 9",
            )
        )
    if len(digits) == 12 and int(digits[:4]) < FIRST_12_DIGIT_YEAR:
        problems.append(
            _problem(
                field,
                "patent_format",
                f"专利号 {canonical} 的申请年份 {digits[:4]} 早于 2003 年，但 12 位申请号自 2003 "
                f"年起才使用",
                f"Patent number {canonical} has year {digits[:4]}, but 12-digit numbers began "
                f"in 2003",
            )
        )
    expected = patent_check_char(digits)
    if check != expected:
        problems.append(
            _problem(
                field,
                "patent_check_digit",
                f"专利号 {canonical} 校验位错误：应为 {expected}，实际为 {check}",
                f"Patent number {canonical}: check character should be {expected}, found {check}",
            )
        )
    return problems


def split_patent_numbers(text: object) -> list[str]:
    """Split a `;`-separated list (also ；，, 、 and newlines); spaces stay inside a number."""
    if text is None:
        return []
    parts = re.split(r"[;；,，、\n\r]+", str(text))
    return [p.strip() for p in parts if p.strip()]
