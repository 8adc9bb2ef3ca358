//! The edge between the core's byte spans and LSP's positions and types.

use ropey::Rope;
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Uri,
};

use super::documents::{Analyzed, Revision};
use super::position::{offset_to_position, position_to_offset, Encoding};
use super::project::ProjectSnapshot;
use crate::analysis::FileId;
use crate::analysis::{Entity, Mention};
use crate::project::{MentionRef, ProjectEntity};
use crate::{Analysis, ByteOffset, Severity, Span};

/// One analysed revision, seen through the negotiated position encoding.
pub struct View<'a> {
    pub uri: &'a Uri,
    pub rope: &'a Rope,
    pub text: &'a str,
    pub analysis: &'a Analysis,
    pub encoding: Encoding,
    /// The project this document was analysed in, and its place there.
    pub project: Option<(&'a ProjectSnapshot, FileId)>,
}

impl<'a> View<'a> {
    pub fn new(revision: &'a Revision, analyzed: &'a Analyzed, encoding: Encoding) -> Self {
        View {
            uri: &revision.uri,
            rope: &revision.rope,
            text: &analyzed.text,
            analysis: &analyzed.analysis,
            encoding,
            project: None,
        }
    }

    /// A file of a project snapshot, as the snapshot saw it.
    pub fn in_project(
        uri: &'a Uri,
        snapshot: &'a ProjectSnapshot,
        file: FileId,
        encoding: Encoding,
    ) -> Option<Self> {
        let seen = snapshot.file(file)?;
        Some(View {
            uri,
            rope: &seen.rope,
            text: &seen.text,
            analysis: snapshot.project.analysis(file)?,
            encoding,
            project: Some((snapshot, file)),
        })
    }

    /// The project entity of a mention of this document.
    pub fn project_entity(&self, mention: &Mention) -> Option<&'a ProjectEntity> {
        let (snapshot, file) = self.project?;
        snapshot.project.entity_of(file, mention.entity)
    }

    /// A project mention of this document.
    pub fn mention_ref(&self, mention: &Mention) -> Option<MentionRef> {
        let (_, file) = self.project?;
        Some(MentionRef {
            file,
            mention: mention.id,
        })
    }

    pub fn position(&self, offset: ByteOffset) -> Position {
        offset_to_position(self.rope, offset.to_usize(), self.encoding)
    }

    pub fn range(&self, span: Span) -> lsp::Range {
        lsp::Range::new(self.position(span.start), self.position(span.end))
    }

    pub fn location(&self, span: Span) -> Location {
        Location::new(self.uri.clone(), self.range(span))
    }

    pub fn offset(&self, position: Position) -> ByteOffset {
        ByteOffset::new(position_to_offset(self.rope, position, self.encoding))
    }

    /// The mention under the cursor and its entity.
    pub fn mention_at(&self, position: Position) -> Option<(&'a Mention, &'a Entity)> {
        let mention = self.analysis.mention_at(self.offset(position))?;
        let entity = self.analysis.entity(mention.entity)?;
        Some((mention, entity))
    }

    pub fn text_of(&self, span: Span) -> &'a str {
        span.text(self.text)
    }

    pub fn diagnostic(&self, diagnostic: &crate::Diagnostic) -> lsp::Diagnostic {
        let mut related: Vec<DiagnosticRelatedInformation> = diagnostic
            .related
            .iter()
            .map(|(span, message)| DiagnosticRelatedInformation {
                location: self.location(*span),
                message: message.clone(),
            })
            .collect();
        if let Some((snapshot, _)) = self.project {
            related.extend(diagnostic.related_elsewhere.iter().filter_map(|r| {
                Some(DiagnosticRelatedInformation {
                    location: snapshot.span_location(r.file, r.span, self.encoding)?,
                    message: r.label.clone(),
                })
            }));
        }
        lsp::Diagnostic {
            range: self.range(diagnostic.span),
            severity: Some(severity(diagnostic.severity)),
            code: Some(NumberOrString::String(diagnostic.code.as_str().to_string())),
            source: Some("dramatis".to_string()),
            message: diagnostic.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            ..lsp::Diagnostic::default()
        }
    }
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Hint => DiagnosticSeverity::HINT,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Error => DiagnosticSeverity::ERROR,
    }
}

/// True when two LSP ranges share at least a position (touching counts, as a
/// cursor at a diagnostic's edge should still get its quick fix).
pub fn ranges_touch(a: lsp::Range, b: lsp::Range) -> bool {
    let le = |p: Position, q: Position| (p.line, p.character) <= (q.line, q.character);
    le(a.start, b.end) && le(b.start, a.end)
}
