//! LSP features as pure functions of an analysed [`View`](super::convert::View):
//! no locking, no awaiting, so the server can run them under `catch_unwind`.

pub mod actions;
pub mod completion;
pub mod known;
pub mod navigation;
pub mod outline;
pub mod registry;
pub mod workspace_symbols;

#[cfg(test)]
mod tests;
