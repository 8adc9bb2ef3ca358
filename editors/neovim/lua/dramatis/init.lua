-- dramatis for Neovim: starts the language server for prose buffers and adds
-- mention jumping built on textDocument/documentHighlight.
--
--   require('dramatis').setup()                     -- defaults
--   require('dramatis').setup({ settings = { inlayHints = true } })
--
-- Neovim 0.11+ registers the server with vim.lsp.config/vim.lsp.enable;
-- 0.8-0.10 use vim.lsp.start from a FileType autocommand; 0.7 falls back to
-- vim.lsp.start_client + vim.lsp.buf_attach_client.
local M = {}

M.name = 'dramatis'

-- Neovim calls plain text "text"; the server, like VS Code, says "plaintext".
local language_ids = { text = 'plaintext' }

local function get_language_id(_, filetype)
  return language_ids[filetype] or filetype
end

local defaults = {
  cmd = { 'dramatis', 'lsp' },
  filetypes = { 'text', 'markdown' },
  root_markers = { '.git', '.dramatis.toml' },
  -- The server's settings, sent as initializationOptions.dramatis and, on
  -- change, as workspace/didChangeConfiguration { settings = { dramatis = ... } }.
  -- severity keys: acronym-undefined, acronym-before-definition, name-variant,
  -- ambiguous-mention, short-form-first; values off/hint/information/warning/error.
  settings = {
    inlayHints = false,
    hover = true,
  },
  -- Show the "Name: N mentions" lenses (Neovim draws them as virtual text).
  codelens = true,
  -- Buffer-local LSP keymaps on Neovim 0.7-0.10, which have few or none of
  -- their own (`K` runs `man` there). false: set none; a table: your own
  -- keys, e.g. { rename = '<leader>rn' }; a key set to false is skipped.
  -- Neovim 0.11+ has its own defaults (K, grn, gra, grr) and gets only `gd`.
  keymaps = true,
}

-- The same keys Neovim 0.11 maps by default, plus `gd`.
local default_keymaps = {
  hover = 'K',
  definition = 'gd',
  references = 'grr',
  rename = 'grn',
  code_action = 'gra',
}

local keymap_actions = {
  hover = { 'Hover', function() vim.lsp.buf.hover() end },
  definition = { 'Go to definition', function() vim.lsp.buf.definition() end },
  references = { 'References', function() vim.lsp.buf.references() end },
  rename = { 'Rename everywhere', function() vim.lsp.buf.rename() end },
  code_action = { 'Code action', function() vim.lsp.buf.code_action() end },
}

-- Neovim 0.11 maps these itself when a server attaches.
local builtin_keymaps = { hover = true, references = true, rename = true, code_action = true }

--- The keymaps `setup` would set on attach: { action = lhs }.
function M.keymaps(opts)
  opts = opts or M.options
  if opts.keymaps == false then
    return {}
  end
  local chosen = vim.tbl_extend('force', default_keymaps, type(opts.keymaps) == 'table' and opts.keymaps or {})
  local modern = vim.fn.has('nvim-0.11') == 1
  local keys = {}
  for action, lhs in pairs(chosen) do
    if lhs and keymap_actions[action] and not (modern and builtin_keymaps[action]) then
      keys[action] = lhs
    end
  end
  return keys
end

-- Buffer-local, and never over a mapping the buffer already has.
local function set_keymaps(opts, bufnr)
  for action, lhs in pairs(M.keymaps(opts)) do
    local existing = vim.fn.maparg(lhs, 'n', false, true)
    if not (existing and existing.buffer == 1) then
      local desc, rhs = unpack(keymap_actions[action])
      local modes = action == 'code_action' and { 'n', 'x' } or 'n'
      vim.keymap.set(modes, lhs, rhs, { buffer = bufnr, silent = true, desc = 'dramatis: ' .. desc })
    end
  end
end

M.options = vim.deepcopy(defaults)

-- Neovim 0.11 turned client functions into methods (client:notify(...)) and
-- changed the signatures of vim.str_utfindex/str_byteindex.
local has_methods = vim.fn.has('nvim-0.11') == 1

local function call(client, method, ...)
  if has_methods then
    return client[method](client, ...)
  end
  return client[method](...)
end
M._call = call

--- Column of byte index `byte` of `line` in `encoding` (utf-8/16/32).
function M.column(line, byte, encoding)
  if encoding == 'utf-8' then
    return byte
  end
  if has_methods then
    return vim.str_utfindex(line, encoding, byte, false)
  end
  local utf32, utf16 = vim.str_utfindex(line, byte)
  return encoding == 'utf-32' and utf32 or utf16
end

--- Byte index of column `character` (in `encoding`) of `line`; nil if past the end.
function M.byte_index(line, character, encoding)
  if encoding == 'utf-8' then
    return character <= #line and character or nil
  end
  local ok, byte
  if has_methods then
    ok, byte = pcall(vim.str_byteindex, line, encoding, character, false)
  else
    ok, byte = pcall(vim.str_byteindex, line, character, encoding == 'utf-16')
  end
  return ok and byte or nil
end

local function find_root(bufnr, markers)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local dir = path ~= '' and vim.fn.fnamemodify(path, ':p:h') or vim.fn.getcwd()
  local found = vim.fs and vim.fs.find and vim.fs.find(markers, { path = dir, upward = true })[1]
  if found then
    return vim.fn.fnamemodify(found, ':h')
  end
  return dir
end

-- Runs the user's on_attach, then keeps the code lenses fresh.
local function attach_handler(opts)
  return function(client, bufnr)
    if opts.on_attach then
      opts.on_attach(client, bufnr)
    end
    set_keymaps(opts, bufnr)
    if opts.codelens and vim.lsp.codelens then
      pcall(vim.lsp.codelens.refresh)
      vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost' }, {
        buffer = bufnr,
        callback = function()
          pcall(vim.lsp.codelens.refresh)
        end,
      })
    end
  end
end

--- The client configuration shared by every Neovim version.
function M.client_config(opts)
  opts = opts or M.options
  return {
    name = M.name,
    cmd = opts.cmd,
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    get_language_id = get_language_id,
    init_options = { dramatis = opts.settings },
    settings = { dramatis = opts.settings },
    capabilities = opts.capabilities,
    on_attach = attach_handler(opts),
  }
end

local function setup_with_config()
  local config = M.client_config()
  config.root_dir = M.options.root_dir
  vim.lsp.config(M.name, config)
  vim.lsp.enable(M.name)
end

local function setup_with_start()
  local group = vim.api.nvim_create_augroup('dramatis', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.options.filetypes,
    callback = function(args)
      local config = M.client_config()
      config.root_dir = M.options.root_dir or find_root(args.buf, M.options.root_markers)
      vim.lsp.start(config, { bufnr = args.buf })
    end,
  })
end

-- Neovim 0.7: no vim.lsp.start, so one client is shared by every buffer.
local legacy_client_id
local function attach_legacy(bufnr)
  local client = legacy_client_id and vim.lsp.get_client_by_id(legacy_client_id)
  if not client or call(client, 'is_stopped') then
    local config = M.client_config()
    config.root_dir = M.options.root_dir or find_root(bufnr, M.options.root_markers)
    config.capabilities = config.capabilities or vim.lsp.protocol.make_client_capabilities()
    legacy_client_id = vim.lsp.start_client(config)
  end
  if legacy_client_id then
    vim.lsp.buf_attach_client(bufnr, legacy_client_id)
  end
end

local function setup_legacy()
  vim.cmd('augroup dramatis')
  vim.cmd('autocmd!')
  vim.cmd(string.format(
    "autocmd FileType %s lua require('dramatis')._attach_legacy(tonumber(vim.fn.expand('<abuf>')))",
    table.concat(M.options.filetypes, ',')
  ))
  vim.cmd('augroup END')
end

M._attach_legacy = attach_legacy

-- The "N mentions" lens runs dramatis.showReferences with (uri, position,
-- locations); a quickfix list is Neovim's natural references view.
local function show_references(command, ctx)
  local arguments = command.arguments or {}
  local locations = arguments[3] or {}
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local items = vim.lsp.util.locations_to_items(locations, client and client.offset_encoding or 'utf-16')
  vim.fn.setqflist({}, ' ', { title = command.title, items = items })
  vim.cmd('copen')
end

-- Semantic token colours (Neovim 0.9+ draws them as @lsp.type.<type>);
-- `default` lets a colorscheme or the user's own links win.
local function link_highlights()
  if vim.fn.has('nvim-0.9') == 0 then
    return -- no semantic tokens, and '@' is not allowed in group names
  end
  local links = {
    ['@lsp.type.person'] = 'Identifier',
    ['@lsp.type.organization'] = 'Type',
    ['@lsp.type.group'] = 'Constant',
    ['@lsp.type.place'] = 'Special',
    ['@lsp.mod.declaration'] = 'Underlined',
  }
  for group, target in pairs(links) do
    pcall(vim.api.nvim_set_hl, 0, group, { link = target, default = true })
  end
end

--- Starts dramatis for the configured file types. `opts` overrides the
--- defaults above; `opts.settings` is merged into the default settings.
function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  vim.lsp.commands['dramatis.showReferences'] = show_references
  link_highlights()
  if vim.lsp.config and vim.lsp.enable then
    setup_with_config()
  elseif vim.lsp.start then
    setup_with_start()
  else
    setup_legacy()
  end
end

local function dramatis_clients(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr, name = M.name })
    or vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  return vim.tbl_filter(function(client)
    return client.name == M.name
  end, clients)
end

--- Sends new settings to the running server, e.g. { inlayHints = true }.
function M.update_settings(settings)
  M.options.settings = vim.tbl_deep_extend('force', M.options.settings, settings)
  for _, client in ipairs(dramatis_clients(0)) do
    client.config.settings = { dramatis = M.options.settings }
    call(client, 'notify', 'workspace/didChangeConfiguration', { settings = { dramatis = M.options.settings } })
  end
end

--- Turns the server's inlay hints on or off (and Neovim's display of them).
function M.set_inlay_hints(enabled)
  M.update_settings({ inlayHints = enabled })
  if vim.lsp.inlay_hint and vim.lsp.inlay_hint.enable then
    pcall(vim.lsp.inlay_hint.enable, enabled, { bufnr = 0 })
  end
end

local function position_less(a, b)
  return a.line < b.line or (a.line == b.line and a.character < b.character)
end

-- The cursor as an LSP position (UTF-16 columns, which every client speaks).
local function cursor_position(bufnr, client)
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local line = vim.api.nvim_buf_get_lines(bufnr, row - 1, row, false)[1] or ''
  local encoding = client.offset_encoding or 'utf-16'
  return { line = row - 1, character = M.column(line, math.min(col, #line), encoding) }, encoding
end

local function byte_column(bufnr, position, encoding)
  local line = vim.api.nvim_buf_get_lines(bufnr, position.line, position.line + 1, false)[1] or ''
  return M.byte_index(line, position.character, encoding) or #line
end

--- Every mention of the entity under the cursor, sorted, as LSP ranges.
function M.mentions_at_cursor(timeout_ms)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = dramatis_clients(bufnr)[1]
  if not client then
    return nil, 'dramatis is not attached to this buffer'
  end
  local position, encoding = cursor_position(bufnr, client)
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = position }
  local response = call(client, 'request_sync', 'textDocument/documentHighlight', params, timeout_ms or 2000, bufnr)
  if not response or response.err then
    return nil, 'documentHighlight failed'
  end
  local ranges = {}
  for _, highlight in ipairs(response.result or {}) do
    table.insert(ranges, highlight.range)
  end
  table.sort(ranges, function(a, b)
    return position_less(a.start, b.start)
  end)
  return ranges, nil, position, encoding
end

local function jump(direction)
  local ranges, err, position, encoding = M.mentions_at_cursor()
  if not ranges then
    vim.notify('dramatis: ' .. err, vim.log.levels.WARN)
    return
  end
  if #ranges == 0 then
    vim.notify('dramatis: no entity under the cursor', vim.log.levels.INFO)
    return
  end
  local index
  if direction > 0 then
    for i, range in ipairs(ranges) do
      if position_less(position, range.start) then
        index = i
        break
      end
    end
    index = index or 1
  else
    -- The mention the cursor is in counts as "here", not as "previous".
    for i, range in ipairs(ranges) do
      if position_less(range['end'], position) then
        index = i
      end
    end
    index = index or #ranges
  end
  local target = ranges[index].start
  local bufnr = vim.api.nvim_get_current_buf()
  vim.cmd("normal! m'")
  vim.api.nvim_win_set_cursor(0, { target.line + 1, byte_column(bufnr, target, encoding) })
  vim.api.nvim_echo({ { string.format('dramatis: mention %d of %d', index, #ranges) } }, false, {})
end

--- Moves the cursor to the next mention of the entity under it (wraps).
function M.next_mention()
  jump(1)
end

--- Moves the cursor to the previous mention of the entity under it (wraps).
function M.prev_mention()
  jump(-1)
end

return M
