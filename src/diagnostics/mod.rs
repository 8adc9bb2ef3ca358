//! Diagnostics about names.

use crate::analysis::{Analysis, Diagnostic};
use crate::config::Config;
use crate::knowledge::Knowledge;
use crate::text::Document;

pub fn diagnose(
    _doc: &Document<'_>,
    _analysis: &Analysis,
    _knowledge: &Knowledge,
    _config: &Config,
) -> Vec<Diagnostic> {
    Vec::new()
}
