//! Diagnostics and their quick fixes.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, WorkspaceEdit,
};

use crate::lsp::convert::{ranges_touch, View};

pub fn diagnostics(view: &View<'_>) -> Vec<lsp::Diagnostic> {
    view.analysis
        .diagnostics
        .iter()
        .map(|d| view.diagnostic(d))
        .collect()
}

/// A quick fix for every diagnostic with a `Fix` that touches `range`.
pub fn code_actions(view: &View<'_>, range: lsp::Range) -> Vec<CodeActionOrCommand> {
    view.analysis
        .diagnostics
        .iter()
        .filter_map(|diagnostic| {
            let fix = diagnostic.fix.as_ref()?;
            let lsp_diagnostic = view.diagnostic(diagnostic);
            if !ranges_touch(lsp_diagnostic.range, range) {
                return None;
            }
            let mut changes = HashMap::new();
            changes.insert(
                view.uri.clone(),
                vec![TextEdit {
                    range: view.range(fix.span),
                    new_text: fix.replacement.clone(),
                }],
            );
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp_diagnostic]),
                edit: Some(WorkspaceEdit::new(changes)),
                is_preferred: Some(true),
                ..CodeAction::default()
            }))
        })
        .collect()
}

/// A problem of the registry file, as a diagnostic on `dramatis.toml`.
pub fn registry_diagnostic(
    rope: &ropey::Rope,
    problem: &crate::project::registry::RegistryProblem,
    encoding: crate::lsp::position::Encoding,
) -> lsp::Diagnostic {
    use crate::lsp::position::offset_to_position;
    let range = lsp::Range::new(
        offset_to_position(rope, problem.span.start.to_usize(), encoding),
        offset_to_position(rope, problem.span.end.to_usize(), encoding),
    );
    lsp::Diagnostic {
        range,
        severity: Some(lsp::DiagnosticSeverity::ERROR),
        code: Some(lsp::NumberOrString::String("registry".to_string())),
        source: Some("dramatis".to_string()),
        message: problem.message.clone(),
        ..lsp::Diagnostic::default()
    }
}
