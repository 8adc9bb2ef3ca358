//! Analysis settings shared by the CLI and the server.

use crate::analysis::{DiagnosticCode, Severity};

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Severity per diagnostic code; `None` turns the code off.
    severities: [Option<Severity>; DiagnosticCode::ALL.len()],
}

impl Default for Config {
    fn default() -> Self {
        Config {
            severities: DiagnosticCode::ALL.map(|c| Some(c.default_severity())),
        }
    }
}

impl Config {
    fn index(code: DiagnosticCode) -> usize {
        DiagnosticCode::ALL
            .iter()
            .position(|c| *c == code)
            .unwrap_or_default()
    }
    pub fn severity(&self, code: DiagnosticCode) -> Option<Severity> {
        self.severities[Self::index(code)]
    }
    pub fn set_severity(&mut self, code: DiagnosticCode, severity: Option<Severity>) {
        self.severities[Self::index(code)] = severity;
    }
}
