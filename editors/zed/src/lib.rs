//! Zed extension: runs `dramatis lsp` for Markdown and Plain Text, passing the
//! user's `lsp.dramatis` settings through unchanged.

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

const SERVER: &str = "dramatis";

struct Dramatis;

impl zed::Extension for Dramatis {
    fn new() -> Self {
        Dramatis
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|settings| settings.binary);
        let configured_path = binary.as_ref().and_then(|b| b.path.clone());
        let command = configured_path
            .or_else(|| worktree.which(SERVER))
            .ok_or_else(|| {
                "dramatis was not found on PATH: install it with `cargo install --path .` \
                 in the dramatis repository, or set lsp.dramatis.binary.path"
                    .to_string()
            })?;
        let args = binary
            .and_then(|b| b.arguments)
            .unwrap_or_else(|| vec!["lsp".to_string()]);
        Ok(zed::Command {
            command,
            args,
            env: worktree.shell_env(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        // The server reads the same shape at start-up and on change.
        Ok(user_settings(worktree))
    }

    fn language_server_workspace_configuration(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(user_settings(worktree))
    }
}

/// The user's `lsp.dramatis.settings` from Zed's settings, if any.
fn user_settings(worktree: &zed::Worktree) -> Option<zed::serde_json::Value> {
    LspSettings::for_worktree(SERVER, worktree)
        .ok()
        .and_then(|settings| settings.settings)
}

zed::register_extension!(Dramatis);
