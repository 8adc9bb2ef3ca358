//! The language server: the only module that knows LSP.
