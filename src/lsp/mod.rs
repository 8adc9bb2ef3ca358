//! The language server: the only module that knows LSP.
//!
//! Advertised: positionEncoding (utf-8 if offered, else utf-16), incremental
//! sync, hover, definition, references (also across open documents and,
//! unless `workspaceIndex` is false, the workspace's closed `.txt`, `.text`,
//! `.md` and `.markdown` files, indexed in the background after
//! `initialized` with work-done progress "dramatis: indexing"; walked by
//! [`crate::walk`]'s rules, at most 2,000 files of at most 2 MB each; a closed or
//! watched-and-changed file is re-indexed),
//! documentHighlight, documentSymbol, rename + prepareRename, quick-fix code
//! actions, semantic tokens (full; types person/organization/group/place,
//! modifier declaration), code lens, inlay hints, and the command
//! `dramatis.showReferences` `[uri, position, locations?]`. Diagnostics are
//! pushed on open and 200 ms after the last change. Input passes through
//! [`framing`] first: an unreadable message is answered with a JSON-RPC
//! error (id null) and the session goes on; `$/` requests get MethodNotFound. Settings: see
//! [`settings`]. Environment: `DRAMATIS_RECOGNIZER=rules` (rule recognizer
//! instead of the model), `DRAMATIS_LSP_PANIC_TRIGGER=<marker>` (tests only).

mod capabilities;
mod convert;
mod documents;
mod features;
mod framing;
pub mod position;
mod project;
mod server;
pub mod settings;
mod workspace;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::{LspService, Server};

/// Messages in progress at once. tower-lsp-server stops reading input when
/// this many handlers are pending; with its default (4), a few requests
/// waiting for an analysis would hold back the didChange that supersedes
/// them, and typing in a large document would queue up stale analyses.
const MAX_CONCURRENT_MESSAGES: usize = 64;

/// Buffer of the in-process pipes around the server.
const PIPE_BYTES: usize = 64 * 1024;

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
        // stdin → framing filter → server → relay → stdout; the filter and
        // the relay share stdout so that each writes whole frames.
        let (filtered, server_input) = tokio::io::duplex(PIPE_BYTES);
        let (server_output, relayed) = tokio::io::duplex(PIPE_BYTES);
        let stdout = Arc::new(tokio::sync::Mutex::new(tokio::io::stdout()));
        tokio::spawn(framing::filter_input(
            tokio::io::stdin(),
            filtered,
            stdout.clone(),
        ));
        let relay = tokio::spawn(framing::relay_output(relayed, stdout));
        Server::new(server_input, server_output, socket)
            .concurrency_level(MAX_CONCURRENT_MESSAGES)
            .serve(service)
            .await;
        // The server's output half is gone: the relay ends once it has
        // written what is left.
        let _ = tokio::time::timeout(Duration::from_secs(2), relay).await;
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
