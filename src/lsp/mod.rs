//! The language server: the only module that knows LSP.

mod capabilities;
mod convert;
mod documents;
mod features;
pub mod position;
mod server;
mod settings;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::{LspService, Server};

/// Serves LSP on stdin/stdout until the client says exit. Exit code 0 after
/// a shutdown request, 1 when exit came without one (as LSP asks).
pub fn run_stdio() -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("dramatis-lsp")
        .build()?;
    let shutdown_requested = Arc::new(AtomicBool::new(false));
    let flag = shutdown_requested.clone();
    runtime.block_on(async move {
        let (service, socket) = LspService::new(move |client| server::Backend::new(client, flag));
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    // tokio's stdin reader is a blocking thread that may sit in read(2)
    // forever; don't wait for it (or for an analysis nobody needs anymore).
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(if shutdown_requested.load(Ordering::SeqCst) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
