"""A separate process for the concurrency tests: `python -m tests.registry.concurrent_worker`.

setup N     migrate, create an agency and a registrar, import N accepted applications
register S  try to register every accepted contract, in an order shuffled by seed S
"""

from __future__ import annotations

import os
import random
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
    import django

    django.setup()
    from django.utils import timezone

    from techmarket.domain.problems import InvalidTransition
    from techmarket.registry import services
    from techmarket.registry.actors import actor_for
    from techmarket.registry.models import Contract

    command, arg = sys.argv[1], int(sys.argv[2])
    if command == "setup":
        _setup(arg)
        return
    actor = actor_for("registrar")
    ids = list(Contract.objects.filter(status="accepted").values_list("pk", flat=True))
    random.Random(arg).shuffle(ids)
    done = 0
    for pk in ids:
        try:
            services.register(pk, actor=actor, now=timezone.now())
            done += 1
        except InvalidTransition:
            pass  # another registrar got there first
    print(done)


def _setup(count: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from techmarket.accounts.services import save_agency
    from techmarket.registry.actors import system_actor
    from techmarket.registry.importer import import_records
    from techmarket.registry.models import Contract
    from techmarket.registry.users import save_user
    from tests.domain.builders import valid_row

    call_command("migrate", verbosity=0)
    agency, _ = save_agency("C440100", name="广州市技术合同登记处", region="440100")
    save_user("registrar", role="registrar", agency_code="C440100")
    rows = (
        (i, valid_row(external_id=f"C-{i}", valid_to="2099-12-31")) for i in range(1, count + 1)
    )
    result = import_records(rows, agency=agency, actor=system_actor(agency), now=timezone.now())
    assert result.ok, result.problems[:3]
    Contract.objects.update(status="accepted")


if __name__ == "__main__":
    main()
