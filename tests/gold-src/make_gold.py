#!/usr/bin/env python3
"""Builds the gold standoff annotations in tests/data/ (and the example texts
in examples/) from the inline-annotated sources in this folder.

Markup: [[surface|kind|cluster]] where kind is p (person), o (organization),
l (place) or g (group: ethnic, religious, political collectives and
nationalities). Names may nest: [[University of [[Bamako|l|bko]]|o|ub]].
The cluster is a free-form id; mentions of one entity share it. Groups need
no cluster. Everything else is copied verbatim.

Output, per document, in the GUM standoff format used by `dramatis eval`:
  tests/data/<doc>.txt   the plain text (UTF-8)
  tests/data/<doc>.json  {"doc_id", "genre", "title", "source", "offsets",
                          "mentions": [{start, end, text, kind, cluster}],
                          "groups":   [{start, end, text, kind}]}
Offsets are UTF-8 byte offsets into the .txt, end exclusive. Mentions follow
GUM: the name alone (no determiner, title or possessive 's); an acronym and
its spelled-out form are separate mentions; nested names are kept.

Run: python3 tests/gold-src/make_gold.py
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KINDS = {"p": "person", "o": "organization", "l": "place", "g": "group"}

# doc id -> (genre, example file to write or None)
DOCS = {
    "sahel-crisis": ("news", "examples/sahel-crisis.md"),
    "harbour-town": ("fiction", "examples/harbour-town.txt"),
    "research-note": ("academic", "examples/research-note.md"),
    "biography-okonkwo-lindqvist": ("bio", None),
    "business-news-solaris": ("news", None),
}


def parse(source):
    out = []  # pieces of plain text
    stack = []  # character offsets into the joined output where [[ opened
    spans = []
    i = 0
    length = 0
    while i < len(source):
        if source.startswith("[[", i):
            stack.append(length)
            i += 2
        elif source.startswith("]]", i) and stack:
            start = stack.pop()
            text = "".join(out)
            inner = text[start:]
            parts = inner.split("|")
            if len(parts) < 2 or parts[1] not in KINDS:
                sys.exit(f"bad annotation {inner!r}")
            surface = parts[0]
            cluster = parts[2] if len(parts) > 2 else None
            out = [text[:start] + surface]
            length = start + len(surface)
            spans.append((start, length, surface, KINDS[parts[1]], cluster))
            i += 2
        else:
            out.append(source[i])
            length += 1
            i += 1
    if stack:
        sys.exit("unclosed [[")
    return "".join(out), spans


def compact_json(gold):
    """Pretty enough to review and diff: one mention per line."""
    lines = ["{"]
    keys = list(gold)
    for n, key in enumerate(keys):
        value = gold[key]
        comma = "," if n + 1 < len(keys) else ""
        if isinstance(value, list):
            rows = [" " * 4 + json.dumps(v, ensure_ascii=False) for v in value]
            body = ",\n".join(rows)
            lines.append(f' "{key}": [\n{body}\n ]{comma}' if rows else f' "{key}": []{comma}')
        else:
            lines.append(f' "{key}": {json.dumps(value, ensure_ascii=False)}{comma}')
    lines.append("}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == gold
    return text


def build(doc_id, genre, example):
    with open(os.path.join(HERE, f"{doc_id}.ann"), encoding="utf-8") as f:
        source = f.read()
    text, spans = parse(source)
    data = text.encode("utf-8")
    title = text.lstrip("# ").splitlines()[0].strip()
    clusters = {}
    mentions, groups = [], []
    for start, end, surface, kind, cluster in sorted(spans, key=lambda s: (s[0], -s[1])):
        b_start = len(text[:start].encode("utf-8"))
        b_end = b_start + len(surface.encode("utf-8"))
        if data[b_start:b_end].decode("utf-8") != surface or surface != surface.strip():
            sys.exit(f"{doc_id}: offsets do not match {surface!r}")
        row = {"start": b_start, "end": b_end, "text": surface, "kind": kind}
        if kind == "group":
            groups.append(row)
            continue
        if cluster is None:
            sys.exit(f"{doc_id}: {surface!r} has no cluster id")
        row["cluster"] = clusters.setdefault(cluster, len(clusters) + 1)
        mentions.append(row)
    gold = {
        "doc_id": doc_id,
        "genre": genre,
        "title": title,
        "source": "written for dramatis (tests/gold-src/%s.ann), licensed with the project" % doc_id,
        "offsets": f"UTF-8 byte offsets into {doc_id}.txt, end exclusive",
        "mentions": mentions,
        "groups": groups,
    }
    out_dir = os.path.join(ROOT, "tests", "data")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, f"{doc_id}.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    with open(os.path.join(out_dir, f"{doc_id}.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(compact_json(gold))
    if example:
        with open(os.path.join(ROOT, example), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    words = len(re.findall(r"\w+", text))
    kinds = {}
    for m in mentions:
        kinds[m["kind"]] = kinds.get(m["kind"], 0) + 1
    print(f"{doc_id}: {words} words, {len(mentions)} mentions {kinds}, "
          f"{len(clusters)} entities, {len(groups)} groups")


def main():
    for doc_id, (genre, example) in DOCS.items():
        if os.path.exists(os.path.join(HERE, f"{doc_id}.ann")):
            build(doc_id, genre, example)
        else:
            print(f"{doc_id}: no source yet")


if __name__ == "__main__":
    main()
