//! Gold-annotated corpora for `train` and `eval`, and the exchange formats
//! `annotate` writes: CoNLL column files (IOB1 or IOB2), standoff folders
//! (`doc.txt` + `doc.json` with byte-offset `mentions`), brat standoff
//! folders (`doc.txt` + `doc.ann`, `brat.rs`) and spaCy/Prodigy JSONL
//! (`spacy.rs`). `conll.rs` writes the IOB2 columns `parse_conll` reads.
//!
//! This is an edge module: it reads files and parses JSON, so the pure core
//! (`text`, `knowledge`, `recognize`, `resolve`, ...) never depends on it.
//! Parsing itself (`parse_conll`, `parse_standoff`) is separated from the
//! reading so it can be tested on strings.

pub mod brat;
pub mod conll;
pub mod spacy;

use std::path::Path;

use anyhow::Context;

use crate::analysis::EntityKind;
use crate::text::Span;

/// A gold name: byte span into `GoldDoc::text` and its kind; `None` is a
/// name of no scored kind (CoNLL MISC).
#[derive(Clone, Debug, PartialEq)]
pub struct GoldSpan {
    pub span: Span,
    pub kind: Option<EntityKind>,
    /// The entity the name belongs to (`annotate`'s `e3`), where the
    /// format carries it (brat notes); `None` otherwise.
    pub entity: Option<String>,
}

/// The label sets of the exchange formats. Each writer uses its own column
/// of [`label`]; every reader goes through [`kind_from_label`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LabelScheme {
    /// brat/INCEpTION entity types: `Person`, `Organization`, `Group`, `Place`.
    Brat,
    /// CoNLL-2003's `PER`, `ORG`, `LOC`, with OntoNotes' `NORP` for groups
    /// (CoNLL's MISC would lose the kind).
    Conll,
    /// spaCy's OntoNotes labels: `PERSON`, `ORG`, `NORP`, `LOC`.
    Spacy,
}

pub fn label(kind: EntityKind, scheme: LabelScheme) -> &'static str {
    use EntityKind::*;
    match (scheme, kind) {
        (LabelScheme::Brat, Person) => "Person",
        (LabelScheme::Brat, Organization) => "Organization",
        (LabelScheme::Brat, Group) => "Group",
        (LabelScheme::Brat, Place) => "Place",
        (LabelScheme::Conll, Person) => "PER",
        (LabelScheme::Spacy, Person) => "PERSON",
        (LabelScheme::Conll | LabelScheme::Spacy, Organization) => "ORG",
        (LabelScheme::Conll | LabelScheme::Spacy, Group) => "NORP",
        (LabelScheme::Conll | LabelScheme::Spacy, Place) => "LOC",
    }
}

/// The kind a gold label names, in any of the formats' label sets and the
/// usual NER tag sets (CoNLL, OntoNotes, INCEpTION's `PER`/`ORG`/`LOC`), in
/// any case; `None` for a name of no scored kind (`MISC`, `OTH`, events,
/// works). The core's [`EntityKind::parse`] plus the exchange formats' extras.
pub fn kind_from_label(label: &str) -> Option<EntityKind> {
    let upper = label.to_ascii_uppercase();
    EntityKind::parse(&label.to_ascii_lowercase())
        .or_else(|| EntityKind::parse(&upper))
        .or(match upper.as_str() {
            "PERSON" => Some(EntityKind::Person),
            "FAC" | "LOCATION" => Some(EntityKind::Place),
            _ => None,
        })
}

#[derive(Clone, Debug, PartialEq)]
pub struct GoldDoc {
    pub name: String,
    pub text: String,
    pub spans: Vec<GoldSpan>,
}

impl GoldDoc {
    /// Spans as `(span, kind)` pairs, the shape the trainer takes.
    pub fn span_pairs(&self) -> Vec<(Span, Option<EntityKind>)> {
        self.spans.iter().map(|g| (g.span, g.kind)).collect()
    }
}

/// Parses CoNLL column text (token first, NER tag last; IOB1 or IOB2).
/// Each `-DOCSTART-` starts a document; the text is rebuilt with single
/// spaces between tokens and a blank line between sentences.
pub fn parse_conll(input: &str, name: &str) -> Vec<GoldDoc> {
    let mut docs = Vec::new();
    let mut text = String::new();
    let mut spans: Vec<GoldSpan> = Vec::new();
    // (start byte, label) of the entity being read.
    let mut open: Option<(usize, String)> = None;
    let mut sentence_has_tokens = false;
    let close = |open: &mut Option<(usize, String)>, text: &str, spans: &mut Vec<GoldSpan>| {
        if let Some((start, label)) = open.take() {
            spans.push(GoldSpan {
                span: Span::new(start, text.len()),
                kind: kind_from_label(&label),
                entity: None,
            });
        }
    };
    let flush = |text: &mut String, spans: &mut Vec<GoldSpan>, docs: &mut Vec<GoldDoc>| {
        if !text.trim().is_empty() {
            let trimmed_len = text.trim_end().len();
            text.truncate(trimmed_len);
            docs.push(GoldDoc {
                name: format!("{name}#{}", docs.len() + 1),
                text: std::mem::take(text),
                spans: std::mem::take(spans),
            });
        }
        text.clear();
        spans.clear();
    };
    for line in input.lines() {
        let line = line.trim_end();
        if line.starts_with("-DOCSTART-") {
            close(&mut open, &text, &mut spans);
            flush(&mut text, &mut spans, &mut docs);
            sentence_has_tokens = false;
            continue;
        }
        let mut columns = line.split_whitespace();
        let Some(token) = columns.next() else {
            close(&mut open, &text, &mut spans);
            if sentence_has_tokens {
                text.push_str("\n\n");
            }
            sentence_has_tokens = false;
            continue;
        };
        let tag = columns.next_back().unwrap_or("O");
        let (prefix, label) = tag.split_once('-').unwrap_or((tag, ""));
        let continues = prefix == "I"
            && open
                .as_ref()
                .is_some_and(|(_, open_label)| open_label == label);
        if !continues {
            close(&mut open, &text, &mut spans);
        }
        if sentence_has_tokens {
            text.push(' ');
        }
        sentence_has_tokens = true;
        if !continues && (prefix == "B" || prefix == "I") && !label.is_empty() {
            open = Some((text.len(), label.to_string()));
        }
        text.push_str(token);
    }
    close(&mut open, &text, &mut spans);
    flush(&mut text, &mut spans, &mut docs);
    docs
}

pub fn read_conll(path: &Path) -> anyhow::Result<Vec<GoldDoc>> {
    let input =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(parse_conll(&input, &path.display().to_string()))
}

/// Parses one standoff document: the text and its JSON (`mentions` with
/// UTF-8 byte `start`/`end` and `kind`). Mentions that do not fit the text
/// or have an unknown kind are skipped.
pub fn parse_standoff(name: &str, text: String, json: &str) -> anyhow::Result<GoldDoc> {
    let value: serde_json::Value = serde_json::from_str(json).context("parsing JSON")?;
    let mut spans = Vec::new();
    for mention in value["mentions"].as_array().into_iter().flatten() {
        let start = mention["start"].as_u64().map(|x| x as usize);
        let end = mention["end"].as_u64().map(|x| x as usize);
        let kind = mention["kind"].as_str().and_then(EntityKind::parse);
        if let (Some(start), Some(end), Some(kind)) = (start, end, kind) {
            if start < end && text.get(start..end).is_some() {
                spans.push(GoldSpan {
                    span: Span::new(start, end),
                    kind: Some(kind),
                    entity: None,
                });
            }
        }
    }
    spans.sort_by_key(|g| (g.span.start, g.span.end));
    Ok(GoldDoc {
        name: name.to_string(),
        text,
        spans,
    })
}

/// Reads every `*.txt` with a sibling `*.json` in `dir`, in name order.
pub fn read_standoff_dir(dir: &Path) -> anyhow::Result<Vec<GoldDoc>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt") && p.with_extension("json").is_file())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|txt| {
            let text = std::fs::read_to_string(txt)
                .with_context(|| format!("reading {}", txt.display()))?;
            let json = std::fs::read_to_string(txt.with_extension("json"))
                .with_context(|| format!("reading {}", txt.with_extension("json").display()))?;
            parse_standoff(&txt.display().to_string(), text, &json)
                .with_context(|| format!("in {}", txt.with_extension("json").display()))
        })
        .collect()
}

/// A folder of gold documents: brat (`.ann` files) or JSON standoff.
pub fn read_folder(dir: &Path) -> anyhow::Result<Vec<GoldDoc>> {
    if brat::is_brat_dir(dir) {
        brat::read_dir(dir)
    } else {
        read_standoff_dir(dir)
    }
}

/// A directory is a brat or JSON standoff folder, a `.jsonl` file is spaCy
/// JSONL, any other file is CoNLL columns.
pub fn read_any(path: &Path) -> anyhow::Result<Vec<GoldDoc>> {
    if path.is_dir() {
        read_folder(path)
    } else if path.extension().is_some_and(|e| e == "jsonl") {
        spacy::read(path)
    } else {
        read_conll(path)
    }
}

/// Byte offset ↔ character (code point) offset for one text: brat and
/// spaCy count characters, the core counts UTF-8 bytes.
pub struct CharOffsets {
    /// Byte offset of every character, then the text's length.
    starts: Vec<usize>,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        let mut starts: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
        starts.push(text.len());
        CharOffsets { starts }
    }
    /// The character offset of a byte offset on a character boundary.
    pub fn to_char(&self, byte: usize) -> Option<usize> {
        self.starts.binary_search(&byte).ok()
    }
    pub fn to_byte(&self, char_offset: usize) -> Option<usize> {
        self.starts.get(char_offset).copied()
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Recase {
    Upper,
    Lower,
}

/// The document with its text upper- or lower-cased, gold spans moved to
/// the new byte offsets (case mapping can change UTF-8 lengths: "ß" → "SS").
pub fn recase(doc: &GoldDoc, how: Recase) -> GoldDoc {
    let mut text = String::with_capacity(doc.text.len());
    // new offset of every old char boundary
    let mut map = vec![0usize; doc.text.len() + 1];
    for (at, c) in doc.text.char_indices() {
        map[at] = text.len();
        match how {
            Recase::Upper => text.extend(c.to_uppercase()),
            Recase::Lower => text.extend(c.to_lowercase()),
        }
    }
    map[doc.text.len()] = text.len();
    let spans = doc
        .spans
        .iter()
        .map(|g| GoldSpan {
            span: Span::new(map[g.span.start.to_usize()], map[g.span.end.to_usize()]),
            kind: g.kind,
            entity: g.entity.clone(),
        })
        .collect();
    GoldDoc {
        name: doc.name.clone(),
        text,
        spans,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "-DOCSTART- -X- O O\n\nAmadou NNP I-NP I-PER\nToure NNP I-NP I-PER\nvisited VBD I-VP O\nBamako NNP I-NP I-LOC\n. . O O\n\nMalian JJ I-NP I-MISC\nforces NNS I-NP O\n\n-DOCSTART- -X- O O\n\nACME NNP I-NP I-ORG\nCorp NNP I-NP B-ORG\n";

    #[test]
    fn conll_documents_and_spans() {
        let docs = parse_conll(SAMPLE, "t");
        assert_eq!(docs.len(), 2);
        let d = &docs[0];
        assert_eq!(d.text, "Amadou Toure visited Bamako .\n\nMalian forces");
        let got: Vec<_> = d
            .spans
            .iter()
            .map(|g| (g.span.text(&d.text), g.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Amadou Toure", Some(EntityKind::Person)),
                ("Bamako", Some(EntityKind::Place)),
                ("Malian", None)
            ]
        );
        // IOB1: B- splits two adjacent names of the same type.
        let names: Vec<_> = docs[1]
            .spans
            .iter()
            .map(|g| g.span.text(&docs[1].text))
            .collect();
        assert_eq!(names, vec!["ACME", "Corp"]);
    }

    #[test]
    fn every_writers_label_reads_back_as_its_kind() {
        for kind in EntityKind::ALL {
            for scheme in [LabelScheme::Brat, LabelScheme::Conll, LabelScheme::Spacy] {
                assert_eq!(kind_from_label(label(kind, scheme)), Some(kind));
            }
        }
        assert_eq!(kind_from_label("gpe"), Some(EntityKind::Place));
        assert_eq!(kind_from_label("MISC"), None);
        assert_eq!(kind_from_label("OTH"), None);
    }

    #[test]
    fn standoff_and_recasing_keep_spans_on_their_text() {
        let text = "Straße in Touré's Mali".to_string();
        let json = r#"{"mentions":[{"start":0,"end":7,"kind":"place"},{"start":11,"end":17,"kind":"person"},{"start":3,"end":99,"kind":"place"}]}"#;
        let doc = parse_standoff("x", text, json).expect("valid json");
        assert_eq!(doc.spans.len(), 2);
        let upper = recase(&doc, Recase::Upper);
        let got: Vec<_> = upper
            .spans
            .iter()
            .map(|g| g.span.text(&upper.text))
            .collect();
        assert_eq!(got, vec!["STRASSE", "TOURÉ"]);
    }
}
