//! `dramatis eval`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct EvalArgs {}

pub fn run(_args: &EvalArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("eval is not implemented yet")
}
