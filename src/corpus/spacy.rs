//! spaCy / Prodigy JSONL: one object per line,
//! `{"text": …, "spans": [{"start", "end", "label"}], "meta": {"path": …}}`
//! with character (code point) offsets, as Python strings count them.
//!
//! The reader is strict: a line that is not such an object, or a span that
//! does not fit its text, is an error naming the line. Prodigy's rejected
//! and ignored answers (`"answer": "reject"`/`"ignore"`) are not gold and
//! are skipped.

use std::path::Path;

use anyhow::{anyhow, Context};
use serde_json::{json, Value};

use super::{kind_from_label, label, CharOffsets, GoldDoc, GoldSpan, LabelScheme};
use crate::text::Span;

/// One JSONL line (without the newline) for a document.
pub fn write_line(doc: &GoldDoc) -> String {
    let chars = CharOffsets::new(&doc.text);
    let spans: Vec<Value> = doc
        .spans
        .iter()
        .filter_map(|g| {
            let kind = g.kind?;
            let start = chars.to_char(g.span.start.to_usize())?;
            let end = chars.to_char(g.span.end.to_usize())?;
            Some(json!({"start": start, "end": end, "label": label(kind, LabelScheme::Spacy)}))
        })
        .collect();
    json!({"text": doc.text, "spans": spans, "meta": {"path": doc.name}}).to_string()
}

/// Parses JSONL; each document is named `NAME:LINE` (or by its
/// `meta.path`, when it has one).
pub fn parse(input: &str, name: &str) -> anyhow::Result<Vec<GoldDoc>> {
    let mut docs = Vec::new();
    for (index, line) in input.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fail = |why: &str| anyhow!("{name} line {number}: {why}");
        let value: Value =
            serde_json::from_str(line).map_err(|e| fail(&format!("not JSON: {e}")))?;
        if matches!(value["answer"].as_str(), Some("reject" | "ignore")) {
            continue;
        }
        let text = value["text"]
            .as_str()
            .ok_or_else(|| fail("no \"text\" string"))?
            .to_string();
        let chars = CharOffsets::new(&text);
        let mut spans = Vec::new();
        let listed = match &value["spans"] {
            Value::Null => &[][..],
            Value::Array(spans) => &spans[..],
            _ => return Err(fail("\"spans\" is not an array")),
        };
        for (k, span) in listed.iter().enumerate() {
            let offset = |key: &str| {
                span[key]
                    .as_u64()
                    .and_then(|x| chars.to_byte(x as usize))
                    .ok_or_else(|| {
                        fail(&format!(
                            "span {k}: \"{key}\" is missing or beyond the text"
                        ))
                    })
            };
            let (start, end) = (offset("start")?, offset("end")?);
            if start >= end {
                return Err(fail(&format!("span {k}: empty or reversed")));
            }
            let span_label = span["label"]
                .as_str()
                .ok_or_else(|| fail(&format!("span {k}: no \"label\" string")))?;
            spans.push(GoldSpan {
                span: Span::new(start, end),
                kind: kind_from_label(span_label),
                entity: None,
            });
        }
        spans.sort_by_key(|g| (g.span.start, g.span.end));
        let doc_name = value["meta"]["path"]
            .as_str()
            .map_or_else(|| format!("{name}:{number}"), str::to_string);
        docs.push(GoldDoc {
            name: doc_name,
            text,
            spans,
        });
    }
    Ok(docs)
}

pub fn read(path: &Path) -> anyhow::Result<Vec<GoldDoc>> {
    let input =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&input, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::EntityKind;

    #[test]
    fn character_offsets_round_trip_and_bad_lines_are_named() {
        let doc = GoldDoc {
            name: "a.txt".into(),
            text: "Touré left Mali.".into(),
            spans: vec![
                GoldSpan {
                    span: Span::new(0, 6),
                    kind: Some(EntityKind::Person),
                    entity: None,
                },
                GoldSpan {
                    span: Span::new(12, 16),
                    kind: Some(EntityKind::Place),
                    entity: None,
                },
            ],
        };
        let line = write_line(&doc);
        assert!(
            line.contains(r#"{"end":15,"label":"LOC","start":11}"#),
            "{line}"
        );
        assert_eq!(parse(&line, "x").expect("valid"), vec![doc]);
        let bad =
            "{\"text\": \"Ada\", \"spans\": [{\"start\": 0, \"end\": 9, \"label\": \"PERSON\"}]}";
        let err = parse(&format!("\n{bad}\n"), "x").expect_err("beyond");
        assert!(format!("{err}").contains("x line 2: span 0"), "{err}");
        let rejected = "{\"text\": \"Ada\", \"answer\": \"reject\"}";
        assert!(parse(rejected, "x").expect("valid").is_empty());
    }
}
