//! Fixture rendering for resolver tests, rust-analyzer style: a fixture marks
//! the names a recognizer would find, `{{Touré|p}}` (kinds p, o, g, l), so a
//! test pins down resolution and diagnostics without depending on the model.
//! The rendering shows every mention with its entity number, then the
//! entities and the diagnostics.
//!
//! Shared by the passes' unit tests and `tests/resolution.rs`; not part of
//! the API (hence hidden). A malformed fixture is a bug in the test and
//! panics with what is wrong.

use crate::analysis::{Analysis, EntityKind};
use crate::recognize::{Candidate, Recognizer};
use crate::text::{Document, Span, TextFormat};
use crate::{analyze, Config, Knowledge};

/// A recognizer that returns the marked names as candidates.
pub struct Marked(pub Vec<(Span, EntityKind)>);

impl Recognizer for Marked {
    fn recognize(&self, doc: &Document<'_>, _: &Knowledge) -> Vec<Candidate> {
        self.0
            .iter()
            .map(|&(span, kind)| {
                let first = doc.token_at_or_after(span.start.to_usize());
                let end = doc.token_at_or_after(span.end.to_usize());
                Candidate {
                    tokens: first..end,
                    span,
                    kind,
                }
            })
            .collect()
    }
}

/// The plain text and the marked names of a fixture.
pub fn parse(fixture: &str) -> (String, Vec<(Span, EntityKind)>) {
    let mut text = String::new();
    let mut marks = Vec::new();
    let mut rest = fixture;
    while let Some(open) = rest.find("{{") {
        text.push_str(&rest[..open]);
        let inner_end = rest[open..].find("}}").expect("unclosed {{") + open;
        let (name, kind) = rest[open + 2..inner_end]
            .rsplit_once('|')
            .expect("{{name|kind}}");
        let kind = match kind {
            "p" => EntityKind::Person,
            "o" => EntityKind::Organization,
            "g" => EntityKind::Group,
            "l" => EntityKind::Place,
            other => panic!("unknown kind {other}"),
        };
        let start = text.len();
        text.push_str(name);
        marks.push((Span::new(start, text.len()), kind));
        rest = &rest[inner_end + 2..];
    }
    text.push_str(rest);
    (text, marks)
}

/// Mentions inline, then one line per entity and per diagnostic.
pub fn render(text: &str, analysis: &Analysis) -> String {
    let mut out = String::new();
    let mut at = 0;
    for m in &analysis.mentions {
        out.push_str(&text[at..m.span.start.to_usize()]);
        out.push_str(&format!("[{}]{}", m.span.text(text), m.entity.0 + 1));
        at = m.span.end.to_usize();
    }
    out.push_str(&text[at..]);
    out.push_str("\n---\n");
    for e in &analysis.entities {
        let def = analysis
            .mention(e.definition)
            .map(|m| m.span.text(text))
            .unwrap_or("?");
        out.push_str(&format!(
            "{} {} {:?} def={:?} aliases={:?}",
            e.id.0 + 1,
            e.kind.as_str(),
            e.name,
            def,
            e.aliases
        ));
        if !e.roles.is_empty() {
            out.push_str(&format!(" roles={:?}", e.roles));
        }
        if let Some(x) = &e.expansion {
            out.push_str(&format!(" expansion={x:?}"));
        }
        out.push('\n');
    }
    for d in &analysis.diagnostics {
        out.push_str(&format!(
            "{}[{}] {:?}: {}",
            d.severity.as_str(),
            d.code.as_str(),
            d.span.text(text),
            d.message
        ));
        if let Some(fix) = &d.fix {
            out.push_str(&format!(" (fix: {:?})", fix.replacement));
        }
        out.push('\n');
    }
    out
}

/// Analyses a fixture with the built-in knowledge and default settings and
/// renders the result, for `expect![]` to compare.
pub fn analyze_fixture(fixture: &str) -> String {
    let (text, marks) = parse(fixture);
    let analysis = analyze(
        &text,
        TextFormat::Plain,
        &Config::default(),
        Knowledge::builtin(),
        &Marked(marks),
    );
    render(&text, &analysis)
}

/// For the passes' unit tests: analyses a fixture and compares the
/// rendering (`UPDATE_EXPECT=1` to refresh).
#[cfg(test)]
pub fn check(fixture: &str, expect: expect_test::Expect) {
    expect.assert_eq(&analyze_fixture(fixture));
}
