"""The registration certificate (登记证明): who may print it, and the data its PDF is made of.

The certificate in force is the one issued at registration or at the latest amendment (its
`superseded_at` is empty); services.py issues and supersedes them. A cancelled registration's
last certificate can still be printed, marked 已注销, because the seller and the agency need a
copy of what was registered for the years before the cancellation; its QR code says so too.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from techmarket.codes.lists import code_list
from techmarket.domain.identifiers import masked_party_id
from techmarket.domain.problems import DomainError, InvalidTransition, PermissionDenied
from techmarket.domain.workflow import Role, Status
from techmarket.exports import certificate as render
from techmarket.registry.actors import Actor
from techmarket.registry.models import Certificate, Contract
from techmarket.registry.permissions import can_view, contract_not_found
from techmarket.registry.selectors import find_contract
from techmarket.server.rows import rows

# The printed address: paper lives for years, so this path must never change (web/urls.py
# routes it from here).
VERIFY_PATH = "/verify/"
# Analysts may read a contract but print nothing that a tax office would accept.
PRINTING_ROLES = frozenset({Role.SELLER, Role.REGISTRAR, Role.AGENCY_ADMIN, Role.OPERATOR})
TAX_ITEMS = (
    ("vat_exempt", "免征增值税", "VAT exemption"),
    (
        "income_tax_transfer",
        "技术转让所得减免企业所得税",
        "Income tax relief on technology transfer",
    ),
)


def verify_url(code: str) -> str:
    """The public address a certificate's QR code opens."""
    return f"{settings.PUBLIC_BASE_URL}{VERIFY_PATH}{code}"


def has_current_certificate(contract: Contract) -> bool:
    """Whether the contract has a certificate that no later one replaced (a prepared query:
    the contract page asks on every view)."""
    return any(c.superseded_at is None for c in rows(Certificate, where={"contract": contract.pk}))


def tax_items(contract: Contract) -> tuple[str, ...]:
    """The Chinese names of the tax items recognised for the contract."""
    return tuple(name for flag, name, _ in TAX_ITEMS if getattr(contract, flag))


def type_names(contract: Contract) -> tuple[str, str]:
    """The contract type's and sub-type's Chinese names ("" when there is no sub-type)."""
    subtype = code_list("subtypes").name_of(contract.subtype) if contract.subtype else ""
    return code_list("contract_types").name_of(contract.contract_type), subtype


def visible_contract_id(id_or_number: str, actor: Actor) -> int:
    """The id of a contract given by id or registration number, if the actor may see it.

    A contract out of reach reads exactly like one that does not exist.
    """
    return find_contract(id_or_number.strip(), actor).pk


def printable_contract(contract_id: int, actor: Actor) -> Contract:
    """The contract, if the actor may print its papers: its seller, or staff of its region."""
    contract = Contract.objects.select_related("agency").filter(pk=contract_id).first()
    # Out of reach reads exactly like absent: the same message and code.
    if contract is None or not can_view(actor, contract):
        raise contract_not_found(contract_id)
    if actor.role not in PRINTING_ROLES:
        raise PermissionDenied(
            "只有卖方和登记机构可以打印登记证明",
            "only the seller and the registration agency may print certificates",
            code="certificate_not_for_role",
        )
    return contract


def current_certificate(contract: Contract) -> Certificate:
    """The certificate in force; for a cancelled registration, its last one."""
    certificates = contract.certificates.order_by("-issued_at", "-pk")
    found = certificates.filter(superseded_at__isnull=True).first()
    if found is None and contract.status == Status.CANCELLED:
        found = certificates.first()
    if found is not None:
        return found
    if contract.registration_number:
        raise DomainError(
            f"合同 {contract.registration_number} 由原系统迁移登记，本系统未出具登记证明",
            f"contract {contract.registration_number} was migrated as registered; "
            "no certificate was issued here",
            code="certificate_not_issued",
            contract=contract.pk,
        )
    raise InvalidTransition(
        f"合同 {contract.pk} 尚未登记（状态 {contract.status}），没有登记证明",
        f"contract {contract.pk} is not registered ({contract.status}): it has no certificate",
        code="not_registered",
        contract=contract.pk,
        status=contract.status,
    )


def certificate_data(contract: Contract, certificate: Certificate) -> render.CertificateData:
    """Everything the certificate prints, from the contract and the certificate row."""
    contract_type, subtype = type_names(contract)
    return render.CertificateData(
        registration_number=certificate.registration_number,
        verification_code=certificate.verification_code,
        verify_url=verify_url(certificate.verification_code),
        contract_name=contract.name,
        contract_type=contract_type,
        subtype=subtype,
        tech_field=code_list("tech_fields").name_of(contract.tech_field),
        total_amount=certificate.total_amount,
        tech_amount=certificate.tech_amount,
        seller=render.PartyLine(
            contract.seller_name, masked_party_id(contract.seller_id, contract.seller_nature)
        ),
        buyer=render.PartyLine(
            contract.buyer_name, masked_party_id(contract.buyer_id, contract.buyer_nature)
        ),
        agency_name=contract.agency.name,
        registered_on=contract.registered_on or timezone.localdate(certificate.issued_at),
        issued_on=timezone.localdate(certificate.issued_at),
        tax_items=tax_items(contract),
        cancelled=contract.status == Status.CANCELLED,
    )


def certificate_pdf(contract_id: int, actor: Actor) -> bytes:
    """The certificate in force as PDF, for the contract's seller and its agencies' staff."""
    contract = printable_contract(contract_id, actor)
    return render.certificate_pdf(certificate_data(contract, current_certificate(contract)))
