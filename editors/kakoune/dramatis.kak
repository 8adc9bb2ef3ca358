# dramatis for Kakoune through kakoune-lsp (v17 or later, which takes its
# servers from the lsp_servers option; older versions: kak-lsp.toml here).
# In kakrc, after kakoune-lsp is loaded (eval %sh{kak-lsp}):
#   source /path/to/dramatis/editors/kakoune/dramatis.kak

# Kakoune gives .txt files no filetype, and kakoune-lsp sends the filetype as
# the document's language id: call them what the server calls them.
hook global BufCreate .*[.](txt|text) %{
    set-option buffer filetype plaintext
}

# The server's entry, in kakoune-lsp's TOML; override it to change the
# command or the settings (see editors/README.md, section 2).
declare-option -docstring 'dramatis server entry for lsp_servers' str dramatis_lsp_server %{
    [dramatis]
    root_globs = [".git", ".hg", "dramatis.toml"]
    command = "dramatis"
    args = ["lsp"]
    settings_section = "dramatis"
    [dramatis.settings.dramatis]
    inlayHints = false
    codeLens = true
}

# Added to (not replacing) other servers of the filetype, such as marksman
# for Markdown, once: the filetype may be set more than once per buffer.
hook -group lsp-filetype-dramatis global BufSetOption filetype=(plaintext|markdown) %{
    evaluate-commands %sh{
        case "$kak_opt_lsp_servers" in
            *'[dramatis]'*) ;;
            *) echo 'set-option -add buffer lsp_servers %opt{dramatis_lsp_server}' ;;
        esac
    }
}

# Start LSP in prose windows; `,l` opens kakoune-lsp's mode (hover, rename,
# references, code actions...).
hook -group dramatis global WinSetOption filetype=(plaintext|markdown) %{
    lsp-enable-window
    map window user l ':enter-user-mode lsp<ret>' -docstring 'LSP mode'
}
