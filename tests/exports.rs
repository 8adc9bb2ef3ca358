//! `annotate --format brat|conll|spacy` through the real binary, read back
//! with the strict readers `train` and `eval` use, and training from the
//! exchange formats.

mod support;

use support::{dramatis_ok, scratch};

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use dramatis::corpus::{self, brat, conll, spacy, GoldDoc};
use dramatis::EntityKind;

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

type Spans = Vec<(usize, usize, Option<EntityKind>, Option<String>)>;

fn spans_of(doc: &GoldDoc, with_entity: bool) -> Spans {
    doc.spans
        .iter()
        .map(|g| {
            (
                g.span.start.to_usize(),
                g.span.end.to_usize(),
                g.kind,
                g.entity.clone().filter(|_| with_entity),
            )
        })
        .collect()
}

/// `annotate --format jsonl`'s mentions per file stem: the reference.
fn annotated(inputs: &[&str]) -> BTreeMap<String, (String, Spans)> {
    let mut out = BTreeMap::new();
    for line in dramatis_ok(&[&["annotate", "--format", "jsonl"], inputs].concat()).lines() {
        let value: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        let path = value["path"].as_str().expect("path").to_string();
        let text = std::fs::read_to_string(&path).expect("input readable");
        let mut spans: Spans = value["mentions"]
            .as_array()
            .expect("mentions")
            .iter()
            .map(|m| {
                (
                    m["start"].as_u64().expect("start") as usize,
                    m["end"].as_u64().expect("end") as usize,
                    EntityKind::parse(m["kind"].as_str().expect("kind")),
                    m["entity"].as_str().map(str::to_string),
                )
            })
            .collect();
        spans.sort();
        let stem = Path::new(&path)
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        out.insert(stem, (text, spans));
    }
    out
}

/// Our own text with characters outside ASCII and the BMP, where byte,
/// UTF-16 and code point offsets all differ.
const ASTRAL: &str =
    "🙂 Amadou Toumani Touré met Tomás Ibáñez in Bamako. Later Touré flew to Dakar, \
and the National Movement for the Liberation of Azawad (MNLA) took Kidal.\n";

#[test]
fn annotate_round_trips_through_brat_conll_and_spacy() {
    let dir = scratch("exports", "round-trip");
    let astral = dir.join("astral.txt");
    std::fs::write(&astral, ASTRAL).expect("write");
    let inputs = [
        "examples/sahel-crisis.md",
        "examples/harbour-town.txt",
        "examples/research-note.md",
        s(&astral),
    ];
    let reference = annotated(&inputs);
    assert_eq!(reference.len(), 4);
    let total: usize = reference.values().map(|(_, spans)| spans.len()).sum();
    assert!(total > 200, "the examples have many names: {total}");

    // brat: the folder, read back strictly, keeps offsets, kinds and entities.
    let brat_dir = dir.join("brat");
    dramatis_ok(
        &[
            &["annotate", "--format", "brat", "--out", s(&brat_dir)],
            &inputs[..],
        ]
        .concat(),
    );
    assert!(brat_dir.join("annotation.conf").is_file());
    let docs = brat::read_dir(&brat_dir).expect("strict brat reader accepts our output");
    assert_eq!(docs.len(), reference.len());
    for doc in &docs {
        let stem = Path::new(&doc.name)
            .file_name()
            .expect("name")
            .to_string_lossy();
        let (text, spans) = &reference[&*stem];
        assert_eq!(&doc.text, text, "{stem}.txt is the input text");
        assert_eq!(&spans_of(doc, true), spans, "brat spans of {stem}");
    }
    let astral_ann = std::fs::read_to_string(brat_dir.join("astral.ann")).expect("ann");
    assert!(
        astral_ann.contains("\tPlace 43 49\tBamako\n"),
        "code point offsets after an emoji: {astral_ann}"
    );

    // spaCy JSONL: character offsets, read back to the same byte spans.
    let jsonl = dramatis_ok(&[&["annotate", "--format", "spacy"], &inputs[..]].concat());
    let docs = spacy::parse(&jsonl, "stdout").expect("strict JSONL reader accepts our output");
    assert_eq!(docs.len(), reference.len());
    for doc in &docs {
        let stem = Path::new(&doc.name)
            .file_stem()
            .expect("stem")
            .to_string_lossy();
        let (text, spans) = &reference[&*stem];
        assert_eq!(&doc.text, text);
        assert_eq!(
            &spans_of(doc, false),
            &spans
                .iter()
                .map(|(a, b, k, _)| (*a, *b, *k, None))
                .collect::<Spans>()
        );
    }

    // CoNLL: tokens, not offsets, so the names compare by surface and kind,
    // in order; annotate's mentions never nest, so none may be lost.
    let conll_file = dir.join("all.conll");
    dramatis_ok(
        &[
            &["annotate", "--format", "conll", "--out", s(&conll_file)],
            &inputs[..],
        ]
        .concat(),
    );
    let columns = std::fs::read_to_string(&conll_file).expect("conll");
    assert!(columns.starts_with(conll::DOCSTART));
    let docs = corpus::parse_conll(&columns, "conll");
    assert_eq!(docs.len(), reference.len(), "one document per input");
    // The paths of one run are one project, read in natural path order.
    let mut in_reading_order = inputs.to_vec();
    in_reading_order.sort_by(|a, b| dramatis::project::natural_cmp(a, b));
    let by_order: Vec<_> = in_reading_order
        .iter()
        .map(|p| {
            Path::new(p)
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for (doc, stem) in docs.iter().zip(&by_order) {
        let (text, spans) = &reference[stem];
        let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let expected: Vec<_> = spans
            .iter()
            .map(|(a, b, k, _)| (squash(&text[*a..*b]), *k))
            .collect();
        let got: Vec<_> = doc
            .spans
            .iter()
            .map(|g| (squash(g.span.text(&doc.text)), g.kind))
            .collect();
        assert_eq!(got, expected, "CoNLL names of {stem}");
    }
}

#[test]
fn the_readers_reject_malformed_exports() {
    let dir = scratch("exports", "malformed");
    std::fs::write(dir.join("a.txt"), "Ada met Bo.").expect("write");
    std::fs::write(dir.join("a.ann"), "T1\tPerson 0 3\tAdo\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_dramatis"))
        .args(["eval", s(&dir)])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("a.ann line 1") && stderr.contains("does not match"),
        "{stderr}"
    );
}

/// The three training texts of `tests/data` (the other two are held out).
const TRAINING: [&str; 3] = ["harbour-town", "research-note", "sahel-crisis"];

#[test]
fn a_model_trained_from_brat_or_spacy_equals_one_trained_from_json_standoff() {
    let dir = scratch("exports", "train");
    let (json_dir, brat_dir, held_out) = (dir.join("json"), dir.join("brat"), dir.join("held-out"));
    for d in [&json_dir, &brat_dir, &held_out] {
        std::fs::create_dir_all(d).expect("dir");
    }
    for name in TRAINING {
        for ext in ["txt", "json"] {
            std::fs::copy(
                format!("tests/data/{name}.{ext}"),
                json_dir.join(format!("{name}.{ext}")),
            )
            .expect("copy");
        }
    }
    for name in ["biography-okonkwo-lindqvist", "business-news-solaris"] {
        for ext in ["txt", "json"] {
            std::fs::copy(
                format!("tests/data/{name}.{ext}"),
                held_out.join(format!("{name}.{ext}")),
            )
            .expect("copy");
        }
    }
    // The original gold, converted with the writers `annotate` uses.
    let gold = corpus::read_standoff_dir(&json_dir).expect("gold");
    let mut jsonl = String::new();
    for doc in &gold {
        let stem = Path::new(&doc.name)
            .file_stem()
            .expect("stem")
            .to_string_lossy();
        std::fs::write(brat_dir.join(format!("{stem}.txt")), &doc.text).expect("write");
        std::fs::write(brat_dir.join(format!("{stem}.ann")), brat::write_ann(doc)).expect("write");
        jsonl.push_str(&spacy::write_line(doc));
        jsonl.push('\n');
    }
    let spacy_file = dir.join("gold.jsonl");
    std::fs::write(&spacy_file, jsonl).expect("write");
    let back = corpus::read_any(&brat_dir).expect("brat folder");
    assert_eq!(back.len(), gold.len());
    for (a, b) in gold.iter().zip(&back) {
        assert_eq!(
            spans_of(a, false),
            spans_of(b, false),
            "nested names survive brat too"
        );
    }

    // A small, fast configuration: the point is equality, not quality.
    let train = |source: &[&str], out: &Path| -> Vec<u8> {
        let args = [
            &["train", "--epochs", "1", "--bits", "12"],
            source,
            &["--out", s(out)],
        ]
        .concat();
        let status = Command::new(env!("CARGO_BIN_EXE_dramatis"))
            .args(&args)
            .output()
            .expect("train runs");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        std::fs::read(out).expect("model written")
    };
    let from_json = train(&["--standoff", s(&json_dir)], &dir.join("json.bin"));
    let from_brat = train(&["--standoff", s(&brat_dir)], &dir.join("brat.bin"));
    let from_spacy = train(&["--spacy", s(&spacy_file)], &dir.join("spacy.bin"));
    assert!(from_json == from_brat, "brat gold trains the same model");
    assert!(from_json == from_spacy, "spaCy gold trains the same model");

    let score = |model: &str, gold: &Path| -> serde_json::Value {
        let out = Command::new(env!("CARGO_BIN_EXE_dramatis"))
            .args(["eval", s(gold), "--format", "json", "--model", model])
            .output()
            .expect("eval runs");
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("eval JSON");
        value[0]["micro"].clone()
    };
    let json_score = score(s(&dir.join("json.bin")), &held_out);
    assert!(json_score["f1"].as_f64().is_some(), "{json_score}");
    assert_eq!(score(s(&dir.join("brat.bin")), &held_out), json_score);
    // eval reads brat gold as it reads the JSON it came from.
    assert_eq!(
        score(s(&dir.join("json.bin")), &brat_dir),
        score(s(&dir.join("json.bin")), &json_dir)
    );
    assert_eq!(
        score(s(&dir.join("json.bin")), &spacy_file),
        score(s(&dir.join("json.bin")), &json_dir)
    );
}
