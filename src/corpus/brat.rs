//! brat standoff: `NAME.txt` holds the text, `NAME.ann` one annotation per
//! line. `T` lines carry an entity type and character (code point) offsets,
//! as brat counts them; a name crossing a line break is written as
//! fragments (`T1\tPlace 0 6;7 15`), because brat does not allow a fragment
//! to span a newline. Each mention's entity is kept in an `AnnotatorNotes`
//! line (`#1\tAnnotatorNotes T1\tentity e3`), which brat and INCEpTION both
//! load and show.
//!
//! The reader is strict: a line that brat would reject, or an offset or
//! text field that does not match the `.txt`, is an error naming the line,
//! so corrected annotations never feed training silently misaligned.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context};

use super::{kind_from_label, label, CharOffsets, GoldDoc, GoldSpan, LabelScheme};
use crate::text::Span;

/// Declares the four entity types, so brat shows the folder with them.
pub const ANNOTATION_CONF: &str =
    "[entities]\nPerson\nOrganization\nGroup\nPlace\n\n[relations]\n\n[events]\n\n[attributes]\n";

const NOTE_PREFIX: &str = "entity ";

/// The `.ann` text for a document. Spans that do not fit the text are
/// skipped (they cannot be written as brat offsets).
pub fn write_ann(doc: &GoldDoc) -> String {
    let chars = CharOffsets::new(&doc.text);
    let mut out = String::new();
    let mut next_id = 1;
    for gold in &doc.spans {
        let Some(kind) = gold.kind else { continue };
        let fragments = line_fragments(&doc.text, gold.span);
        let offsets: Option<Vec<(usize, usize)>> = fragments
            .iter()
            .map(|f| {
                Some((
                    chars.to_char(f.start.to_usize())?,
                    chars.to_char(f.end.to_usize())?,
                ))
            })
            .collect();
        let Some(offsets) = offsets.filter(|o| !o.is_empty()) else {
            continue;
        };
        let offsets = offsets
            .iter()
            .map(|(s, e)| format!("{s} {e}"))
            .collect::<Vec<_>>()
            .join(";");
        let surface = fragments
            .iter()
            .map(|f| f.text(&doc.text))
            .collect::<Vec<_>>()
            .join(" ");
        let id = next_id;
        next_id += 1;
        let _ = writeln!(
            out,
            "T{id}\t{} {offsets}\t{surface}",
            label(kind, LabelScheme::Brat)
        );
        if let Some(entity) = &gold.entity {
            let _ = writeln!(out, "#{id}\tAnnotatorNotes T{id}\t{NOTE_PREFIX}{entity}");
        }
    }
    out
}

/// The parts of `span` between line breaks, empty parts dropped.
fn line_fragments(text: &str, span: Span) -> Vec<Span> {
    let mut fragments = Vec::new();
    let mut start = span.start.to_usize();
    let piece = span.text(text);
    for (at, c) in piece.char_indices() {
        if c == '\n' || c == '\r' {
            let here = span.start.to_usize() + at;
            if here > start {
                fragments.push(Span::new(start, here));
            }
            start = here + c.len_utf8();
        }
    }
    if span.end.to_usize() > start {
        fragments.push(Span::new(start, span.end.to_usize()));
    }
    fragments
}

/// Parses a `.ann` against its text. Text-bound annotations become spans
/// (a fragmented one covers its first to last fragment); entity ids come
/// from `AnnotatorNotes` written by [`write_ann`]. Relations, events,
/// attributes, normalizations and equivalences are checked for shape and
/// otherwise ignored.
pub fn parse_ann(name: &str, text: String, ann: &str) -> anyhow::Result<GoldDoc> {
    let chars = CharOffsets::new(&text);
    let mut spans: Vec<(String, GoldSpan)> = Vec::new();
    let mut ids: HashSet<String> = HashSet::new();
    let mut notes: Vec<(usize, String, String)> = Vec::new();
    // `A1\tvalue T1 PER`: INCEpTION's named-entity layer exports its kind
    // as an attribute of a `Named_entity` span.
    let mut attributes: Vec<(usize, String, String)> = Vec::new();
    for (index, line) in ann.lines().enumerate() {
        let number = index + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let fail = |why: &str| anyhow::anyhow!("{name}.ann line {number}: {why}: {line:?}");
        let mut fields = line.splitn(3, '\t');
        let id = fields.next().unwrap_or_default();
        let body = fields.next().ok_or_else(|| fail("no tab after the id"))?;
        let rest = fields.next();
        let (prefix, digits) = id.split_at(id.len().min(1));
        let numbered = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        match prefix {
            "*" if digits.is_empty() => {
                if body.split(' ').count() < 3 {
                    return Err(fail("an equivalence needs a type and two ids"));
                }
                continue;
            }
            "T" | "R" | "E" | "A" | "M" | "N" | "#" if numbered => {}
            _ => return Err(fail("not a brat annotation id")),
        }
        if !ids.insert(id.to_string()) {
            return Err(fail("duplicate id"));
        }
        match prefix {
            "T" => {
                let surface = rest.ok_or_else(|| fail("a text-bound annotation needs its text"))?;
                let (kind_label, offsets) = body
                    .split_once(' ')
                    .ok_or_else(|| fail("a text-bound annotation needs a type and offsets"))?;
                let mut fragments = Vec::new();
                for fragment in offsets.split(';') {
                    let (start, end) = fragment
                        .split_once(' ')
                        .and_then(|(s, e)| {
                            Some((s.parse::<usize>().ok()?, e.parse::<usize>().ok()?))
                        })
                        .ok_or_else(|| {
                            fail("offsets must be `START END`, fragments joined by `;`")
                        })?;
                    let (Some(start), Some(end)) = (chars.to_byte(start), chars.to_byte(end))
                    else {
                        return Err(fail("offset beyond the end of the text"));
                    };
                    if start >= end {
                        return Err(fail("empty or reversed span"));
                    }
                    if fragments
                        .last()
                        .is_some_and(|last: &Span| last.end.to_usize() > start)
                    {
                        return Err(fail("fragments out of order"));
                    }
                    fragments.push(Span::new(start, end));
                }
                let expected = fragments
                    .iter()
                    .map(|f| f.text(&text))
                    .collect::<Vec<_>>()
                    .join(" ");
                if expected != surface {
                    return Err(fail(&format!(
                        "the text field does not match the text at these offsets ({expected:?})"
                    )));
                }
                let (Some(first), Some(last)) = (fragments.first(), fragments.last()) else {
                    return Err(fail("no offsets"));
                };
                spans.push((
                    id.to_string(),
                    GoldSpan {
                        span: first.cover(*last),
                        kind: kind_from_label(kind_label),
                        entity: None,
                    },
                ));
            }
            "#" => {
                let (note_type, target) = body
                    .split_once(' ')
                    .ok_or_else(|| fail("a note needs a type and a target id"))?;
                if note_type.is_empty() || target.is_empty() || target.contains(' ') {
                    return Err(fail("a note needs a type and one target id"));
                }
                notes.push((
                    number,
                    target.to_string(),
                    rest.unwrap_or_default().to_string(),
                ));
            }
            "A" | "M" => {
                let mut parts = body.split(' ');
                let (Some(_name), Some(target)) = (parts.next(), parts.next()) else {
                    return Err(fail("an attribute needs a name and a target id"));
                };
                if let Some(value) = parts.next() {
                    attributes.push((number, target.to_string(), value.to_string()));
                }
            }
            _ => {
                if body.trim().is_empty() {
                    return Err(fail("empty annotation"));
                }
            }
        }
    }
    let mut entity_of: HashMap<String, String> = HashMap::new();
    for (number, target, note) in notes {
        if !ids.contains(&target) {
            bail!("{name}.ann line {number}: the note's target {target} does not exist");
        }
        if let Some(entity) = note.strip_prefix(NOTE_PREFIX) {
            entity_of.insert(target, entity.trim().to_string());
        }
    }
    let mut kind_of: HashMap<String, crate::analysis::EntityKind> = HashMap::new();
    for (number, target, value) in attributes {
        if !ids.contains(&target) {
            bail!("{name}.ann line {number}: the attribute's target {target} does not exist");
        }
        if let Some(kind) = kind_from_label(&value) {
            kind_of.insert(target, kind);
        }
    }
    let mut spans: Vec<GoldSpan> = spans
        .into_iter()
        .map(|(id, mut gold)| {
            gold.entity = entity_of.remove(&id);
            if gold.kind.is_none() {
                gold.kind = kind_of.get(&id).copied();
            }
            gold
        })
        .collect();
    spans.sort_by_key(|g| (g.span.start, g.span.end));
    Ok(GoldDoc {
        name: name.to_string(),
        text,
        spans,
    })
}

/// Whether `dir` holds brat annotations (any `.ann` file).
pub fn is_brat_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "ann"))
    })
}

/// Reads every `NAME.ann` with its `NAME.txt` in `dir`, in name order; an
/// `.ann` without its text is an error.
pub fn read_dir(dir: &Path) -> anyhow::Result<Vec<GoldDoc>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ann"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|ann_path| {
            let txt_path = ann_path.with_extension("txt");
            let text = std::fs::read_to_string(&txt_path)
                .with_context(|| format!("reading {}", txt_path.display()))?;
            let ann = std::fs::read_to_string(ann_path)
                .with_context(|| format!("reading {}", ann_path.display()))?;
            parse_ann(
                &txt_path.with_extension("").display().to_string(),
                text,
                &ann,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::EntityKind;

    fn doc(text: &str, spans: &[(usize, usize, EntityKind, Option<&str>)]) -> GoldDoc {
        GoldDoc {
            name: "d".into(),
            text: text.into(),
            spans: spans
                .iter()
                .map(|&(s, e, kind, entity)| GoldSpan {
                    span: Span::new(s, e),
                    kind: Some(kind),
                    entity: entity.map(str::to_string),
                })
                .collect(),
        }
    }

    #[test]
    fn offsets_count_code_points_and_line_breaks_split_fragments() {
        // "Touré" is 6 bytes, 5 characters: "Mali" starts at byte 10, char 9.
        let d = doc(
            "Touré and Mali and Kerrow\nHarbour",
            &[
                (0, 6, EntityKind::Person, Some("e1")),
                (11, 15, EntityKind::Place, None),
                (20, 34, EntityKind::Place, Some("e3")),
            ],
        );
        let ann = write_ann(&d);
        assert_eq!(
            ann,
            "T1\tPerson 0 5\tTouré\n#1\tAnnotatorNotes T1\tentity e1\nT2\tPlace 10 14\tMali\nT3\tPlace 19 25;26 33\tKerrow Harbour\n#3\tAnnotatorNotes T3\tentity e3\n"
        );
        let back = parse_ann("d", d.text.clone(), &ann).expect("valid");
        assert_eq!(back, d);
    }

    #[test]
    fn the_reader_rejects_what_brat_would() {
        let text = "Ada met Bo.".to_string();
        for (ann, why) in [
            ("T1\tPerson 0 3\tAdx\n", "does not match"),
            ("T1\tPerson 0 30\tAda\n", "beyond the end"),
            ("T1 Person 0 3 Ada\n", "no tab"),
            ("T1\tPerson 0 3\tAda\nT1\tPerson 8 10\tBo\n", "duplicate id"),
            ("X1\tPerson 0 3\tAda\n", "not a brat annotation id"),
            ("T1\tPerson 3 0\tAda\n", "reversed"),
            ("#1\tAnnotatorNotes T9\tentity e1\n", "does not exist"),
        ] {
            let err = parse_ann("d", text.clone(), ann).expect_err(ann);
            assert!(format!("{err:#}").contains(why), "{ann:?}: {err:#}");
        }
        let ok =
            "T1\tPerson 0 3\tAda\nT2\tMISC 8 10\tBo\nR1\tMeets Arg1:T1 Arg2:T2\n*\tAlias T1 T2\n";
        let d = parse_ann("d", text, ok).expect("valid");
        assert_eq!(d.spans.len(), 2);
        assert_eq!(
            d.spans[1].kind, None,
            "an unknown type is a name of no kind"
        );
        let inception = "T1\tNamed_entity 0 3\tAda\nA1\tvalue T1 PER\nT2\tNamed_entity 8 10\tBo\nA2\tvalue T2 OTH\n";
        let d = parse_ann("d", "Ada met Bo.".to_string(), inception).expect("valid");
        let kinds: Vec<_> = d.spans.iter().map(|g| g.kind).collect();
        assert_eq!(
            kinds,
            vec![Some(EntityKind::Person), None],
            "INCEpTION's value attribute"
        );
    }
}
