"""Accuracy of the contract pre-check on the labelled synthetic document set (issue #13).

    PYTHONPATH=src .venv/bin/python bench/precheck_eval.py [--formats txt,docx,pdf] [--seed 13]

Writes every labelled document (techmarket.synth.contract_documents) in each format, reads it
back through the upload reader and pre-checks it, then prints, per contract type: extraction
field accuracy (labelled fields found with exactly the right value), type and sub-type
suggestion accuracy; and per rule: precision and recall on the planted defects. Markdown
tables, ready for docs/precheck.md.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from techmarket.interchange.precheck import precheck_document
from techmarket.synth.contract_documents import CHECKED_ON, labelled_set
from techmarket.synth.document_files import document_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default="txt,docx,pdf")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    documents = labelled_set(args.seed)
    fields = defaultdict(lambda: [0, 0])  # (format, type) → right, labelled
    types = defaultdict(lambda: [0, 0])
    rules = defaultdict(lambda: [0, 0, 0])  # rule → true positive, false positive, false negative
    started = time.perf_counter()
    for fmt in args.formats.split(","):
        for document in documents:
            result = precheck_document(
                document_bytes(document, fmt),
                f"contract.{fmt}",
                today=CHECKED_ON,
                seller=document.seller_claimed,
            )
            kind = document.contract_type or "not registrable"
            for key, value in document.fields.items():
                found = result.fields.get(key)
                fields[fmt, kind][0] += found is not None and found.value == value
                fields[fmt, kind][1] += 1
            s = result.suggestion
            right = (
                s.registrable == document.registrable
                and (not document.registrable or s.contract_type == document.contract_type)
                and (document.subtype is None or s.subtype == document.subtype)
            )
            types[fmt, kind][0] += right
            types[fmt, kind][1] += 1
            found_rules = {f.rule for f in result.findings}
            for rule in found_rules | set(document.defects):
                planted, found = rule in document.defects, rule in found_rules
                rules[rule][0 if planted and found else 1 if found else 2] += 1
    elapsed = time.perf_counter() - started
    print(f"{len(documents)} documents × {args.formats} in {elapsed:.0f} s (seed {args.seed})\n")
    print("| format | type | documents | field accuracy | type + sub-type accuracy |")
    print("|---|---|---:|---:|---:|")
    for (fmt, kind), (right, total) in sorted(types.items()):
        f_right, f_total = fields[fmt, kind]
        print(
            f"| {fmt} | {kind} | {total} | {f_right}/{f_total} = {f_right / f_total:.1%} "
            f"| {right}/{total} = {right / total:.1%} |"
        )
    print("\n| rule | planted | found right | false alarms | missed | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for rule, (tp, fp, fn) in sorted(rules.items()):
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"| {rule} | {tp + fn} | {tp} | {fp} | {fn} | {precision:.1%} | {recall:.1%} |")


if __name__ == "__main__":
    main()
