#!/usr/bin/env python3
"""Writes a deterministic project of prose files for benchmarks.

    make_project_corpus.py OUT_DIR [FILES] [WORDS_PER_FILE]

Paragraphs come from this repository's own texts (examples, test texts, the
bench corpus, the test projects), shuffled by a fixed linear congruential
generator, so every run writes the same files.
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = (
    sorted(ROOT.glob("examples/*"))
    + sorted(ROOT.glob("tests/data/*.txt"))
    + sorted(ROOT.glob("benches/corpus/*.txt"))
    + sorted(ROOT.glob("tests/projects/*/*"))
)


def paragraphs():
    out = []
    for path in SOURCES:
        if path.suffix not in (".md", ".txt"):
            continue
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            block = block.strip()
            if len(block.split()) >= 8:
                out.append(block)
    return out


def main():
    out_dir = pathlib.Path(sys.argv[1])
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    words = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    pool = paragraphs()
    state = 12345
    out_dir.mkdir(parents=True, exist_ok=True)
    total = 0
    for index in range(files):
        chosen, count = [], 0
        while count < words:
            state = (state * 1103515245 + 12345) % (1 << 31)
            block = pool[state % len(pool)]
            chosen.append(block)
            count += len(block.split())
        total += count
        (out_dir / f"ch{index + 1}.md").write_text("\n\n".join(chosen) + "\n", encoding="utf-8")
    print(f"{files} files, {total} words in {out_dir}")


if __name__ == "__main__":
    main()
