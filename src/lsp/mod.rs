//! The language server: the only module that knows LSP.

use std::process::ExitCode;

/// Serves LSP on stdin/stdout until the client says exit.
pub fn run_stdio() -> anyhow::Result<ExitCode> {
    anyhow::bail!("the language server is not implemented yet")
}
