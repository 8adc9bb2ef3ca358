-- Neovim 0.11+ picks this file up from 'runtimepath' for vim.lsp.enable('dramatis').
-- Put editors/neovim on the runtimepath (or copy this file to ~/.config/nvim/lsp/).
return {
  cmd = { 'dramatis', 'lsp' },
  filetypes = { 'text', 'markdown' },
  root_markers = { '.git' },
  get_language_id = function(_, filetype)
    return filetype == 'text' and 'plaintext' or filetype
  end,
  init_options = { dramatis = { inlayHints = false, hover = true } },
  settings = { dramatis = { inlayHints = false, hover = true } },
}
