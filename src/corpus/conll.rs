//! Writes CoNLL columns in IOB2: one `TOKEN TAG` line per token, a blank
//! line after each sentence, each document opened by `-DOCSTART- -X- -X- O`
//! as CoNLL-2003 does. `parse_conll` in the parent module reads it back.
//!
//! Tokens and sentences are the core tokenizer's; a token a name boundary
//! falls inside is split there, so every name is whole tokens. IOB cannot
//! nest: of overlapping names the outermost (earliest, then longest) is
//! written.

use std::fmt::Write as _;

use super::{label, GoldDoc, GoldSpan, LabelScheme};
use crate::text::{tokenize, Span, TextFormat};

pub const DOCSTART: &str = "-DOCSTART- -X- -X- O";

/// The names IOB can hold: kinded, non-overlapping, outermost first.
pub fn flat_spans(spans: &[GoldSpan]) -> Vec<&GoldSpan> {
    let mut sorted: Vec<&GoldSpan> = spans.iter().filter(|g| g.kind.is_some()).collect();
    sorted.sort_by_key(|g| (g.span.start, std::cmp::Reverse(g.span.end)));
    let mut kept: Vec<&GoldSpan> = Vec::new();
    for gold in sorted {
        if kept
            .last()
            .is_none_or(|last| last.span.end <= gold.span.start)
        {
            kept.push(gold);
        }
    }
    kept
}

/// One document's columns, `DOCSTART` line first.
pub fn write_doc(doc: &GoldDoc) -> String {
    let text = doc.text.as_str();
    let names = flat_spans(&doc.spans);
    let cuts: Vec<usize> = names
        .iter()
        .flat_map(|g| [g.span.start.to_usize(), g.span.end.to_usize()])
        .collect();
    let tokenized = tokenize(text, TextFormat::from_path(&doc.name));
    let mut out = format!("{DOCSTART}\n\n");
    let mut name_index = 0;
    for sentence in &tokenized.sentences {
        let mut wrote = false;
        for token in &tokenized.tokens[sentence.tokens.clone()] {
            for piece in split_at(token.span, &cuts) {
                let word = piece.text(text);
                if word.trim().is_empty() {
                    continue;
                }
                while names
                    .get(name_index)
                    .is_some_and(|g| g.span.end <= piece.start)
                {
                    name_index += 1;
                }
                let tag = match names.get(name_index) {
                    Some(g) if g.span.start <= piece.start && piece.end <= g.span.end => {
                        let prefix = if g.span.start == piece.start {
                            "B"
                        } else {
                            "I"
                        };
                        let kind = g.kind.map_or("MISC", |k| label(k, LabelScheme::Conll));
                        format!("{prefix}-{kind}")
                    }
                    _ => "O".to_string(),
                };
                // A token never holds whitespace in the tokenizer's output;
                // guard anyway, as a space would shift the columns.
                let word: String = word.split_whitespace().collect::<Vec<_>>().join("_");
                let _ = writeln!(out, "{word} {tag}");
                wrote = true;
            }
        }
        if wrote {
            out.push('\n');
        }
    }
    out
}

/// `span` cut at every offset of `cuts` strictly inside it.
fn split_at(span: Span, cuts: &[usize]) -> Vec<Span> {
    let (start, end) = (span.start.to_usize(), span.end.to_usize());
    let mut inner: Vec<usize> = cuts
        .iter()
        .copied()
        .filter(|&c| start < c && c < end)
        .collect();
    inner.sort_unstable();
    inner.dedup();
    let mut pieces = Vec::new();
    let mut from = start;
    for cut in inner.into_iter().chain([end]) {
        pieces.push(Span::new(from, cut));
        from = cut;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::EntityKind;
    use crate::corpus::parse_conll;

    #[test]
    fn iob2_columns_read_back_to_the_same_names() {
        let text = "Ama Mensah flew to Accra.\n\nThe Ghanaians of Kerrow Harbour Board cheered Mensah's return.";
        let span = |needle: &str, kind| GoldSpan {
            span: {
                let at = text.find(needle).expect("in text");
                Span::new(at, at + needle.len())
            },
            kind: Some(kind),
            entity: None,
        };
        let doc = GoldDoc {
            name: "t.txt".into(),
            text: text.into(),
            spans: vec![
                span("Ama Mensah", EntityKind::Person),
                span("Accra", EntityKind::Place),
                span("Ghanaians", EntityKind::Group),
                span("Kerrow Harbour Board", EntityKind::Organization),
                span("Kerrow", EntityKind::Place),
                span("Mensah's", EntityKind::Person),
            ],
        };
        let doc = GoldDoc {
            spans: doc
                .spans
                .into_iter()
                .map(|mut g| {
                    // "Mensah's" → the name alone, cut inside the token.
                    if g.span.text(text) == "Mensah's" {
                        g.span = Span::new(g.span.start.to_usize(), g.span.end.to_usize() - 2);
                    }
                    g
                })
                .collect(),
            ..doc
        };
        let columns = write_doc(&doc);
        assert!(
            columns.starts_with("-DOCSTART- -X- -X- O\n\nAma B-PER\nMensah I-PER\n"),
            "{columns}"
        );
        assert!(
            columns.contains("Kerrow B-ORG\nHarbour I-ORG\n"),
            "{columns}"
        );
        assert!(columns.contains("Ghanaians B-NORP\n"), "{columns}");
        let back = parse_conll(&columns, "t");
        assert_eq!(back.len(), 1);
        let names = |d: &GoldDoc| -> Vec<(String, Option<EntityKind>)> {
            flat_spans(&d.spans)
                .iter()
                .map(|g| (g.span.text(&d.text).to_string(), g.kind))
                .collect()
        };
        assert_eq!(names(&back[0]), names(&doc));
    }
}
