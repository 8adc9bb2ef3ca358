//! dramatis: who and where plain prose talks about.
//!
//! The core (`text`, `knowledge`, `recognize`, `resolve`, `diagnostics`,
//! `analysis`) is pure: text in, [`Analysis`] out, no I/O. `lsp` and `cli`
//! are the only edges. See ARCHITECTURE.md.

pub mod analysis;
pub mod config;
pub mod diagnostics;
pub mod knowledge;
pub mod project;
pub mod recognize;
pub mod resolve;
pub mod text;

pub mod cli;
pub mod corpus;
pub mod lsp;
pub mod walk;

pub use analysis::{
    Analysis, Diagnostic, DiagnosticCode, Entity, EntityId, EntityKind, Mention, MentionId,
    Severity,
};
pub use config::Config;
pub use knowledge::Knowledge;
pub use recognize::Recognizer;
pub use text::{ByteOffset, Span, TextFormat};

/// Analyses one document: tokenize, recognize, resolve, diagnose.
///
/// Never fails and never panics on any text: a document the recognizer
/// cannot make sense of simply yields fewer entities.
pub fn analyze(
    text: &str,
    format: TextFormat,
    config: &Config,
    knowledge: &Knowledge,
    recognizer: &dyn Recognizer,
) -> Analysis {
    let doc = text::tokenize(text, format);
    let candidates = project::recognize_document(&doc, knowledge, recognizer);
    analyze_document(&doc, candidates, config, knowledge)
}

/// [`analyze`], also returning the recognizer's candidates, which the
/// server keeps so a project analysis never recognises the file again.
pub fn analyze_keeping_candidates(
    text: &str,
    format: TextFormat,
    config: &Config,
    knowledge: &Knowledge,
    recognizer: &dyn Recognizer,
) -> (Analysis, Vec<recognize::Candidate>) {
    let doc = text::tokenize(text, format);
    let candidates = project::recognize_document(&doc, knowledge, recognizer);
    let analysis = analyze_document(&doc, candidates.clone(), config, knowledge);
    (analysis, candidates)
}

fn analyze_document(
    doc: &text::Document<'_>,
    candidates: Vec<recognize::Candidate>,
    config: &Config,
    knowledge: &Knowledge,
) -> Analysis {
    let resolved = resolve::resolve(doc, candidates, knowledge);
    let diagnostics = diagnostics::diagnose(doc, &resolved, knowledge, config);
    let mut analysis = resolved.analysis;
    analysis.diagnostics = diagnostics;
    analysis
}

/// The recognizer the binary uses by default.
///
/// The trained model embedded in the binary; the rules only if that model
/// cannot be loaded (a build without a trained model file).
pub fn default_recognizer() -> &'static dyn Recognizer {
    static RULES: recognize::rules::RuleRecognizer = recognize::rules::RuleRecognizer;
    match recognize::model::ModelRecognizer::builtin() {
        Some(model) => model,
        None => &RULES,
    }
}

/// The recognizer the edges (server, CLI) use: the trained model, or the
/// rules when the environment says `DRAMATIS_RECOGNIZER=rules` — a lighter
/// option for slow machines and a baseline for `eval`. Read once; only the
/// edges call this, the core never reads the environment.
pub fn configured_recognizer() -> &'static dyn Recognizer {
    static RULES: recognize::rules::RuleRecognizer = recognize::rules::RuleRecognizer;
    static USE_RULES: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let rules = *USE_RULES.get_or_init(|| {
        std::env::var("DRAMATIS_RECOGNIZER").is_ok_and(|v| v.eq_ignore_ascii_case("rules"))
    });
    if rules {
        &RULES
    } else {
        default_recognizer()
    }
}
