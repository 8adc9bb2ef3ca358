-- End-to-end test of the dramatis language server inside a real Neovim.
--
-- Run by tests/e2e/neovim.sh; works on Neovim 0.7.2 (Debian 12) and newer:
-- only vim.lsp.start_client / buf_attach_client / request_sync are used, and
-- semantic tokens, code lenses and inlay hints are requested raw and decoded
-- here, since 0.7 has no built-in support for them.
--
-- Environment: E2E_REPO (repository root), DRAMATIS_BIN (server binary),
-- E2E_DOC (the document to open), E2E_ROOT (workspace root),
-- E2E_PIDFILE (where to write the server's pid), E2E_TIMEOUT_MS (per wait).

local repo = assert(os.getenv('E2E_REPO'), 'E2E_REPO is not set')
local server_bin = assert(os.getenv('DRAMATIS_BIN'), 'DRAMATIS_BIN is not set')
local doc_path = assert(os.getenv('E2E_DOC'), 'E2E_DOC is not set')
local root_dir = assert(os.getenv('E2E_ROOT'), 'E2E_ROOT is not set')
local pidfile = os.getenv('E2E_PIDFILE')
local timeout_ms = tonumber(os.getenv('E2E_TIMEOUT_MS') or '') or 15000

local passed, failed = 0, 0

local function say(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    say('PASS ' .. name)
  else
    failed = failed + 1
    say('FAIL ' .. name .. (detail and ('\n     ' .. detail) or ''))
  end
  return ok
end

local function show(value)
  local text = vim.inspect(value, { newline = ' ', indent = '' })
  if #text > 300 then
    text = text:sub(1, 300) .. '...'
  end
  return text
end

---------------------------------------------------------------------------
-- Buffer helpers: positions are LSP positions in the negotiated encoding.

local bufnr
local function buffer_lines()
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

-- Columns in the encoding the server chose (0.7 always speaks UTF-16; newer
-- Neovims may agree on UTF-8 or UTF-32).
local encoding = 'utf-16'

local function lsp_col(line, byte_index)
  return require('dramatis').column(line, byte_index, encoding)
end

local function byte_col(line, character)
  return require('dramatis').byte_index(line, character, encoding)
end

local function is_word_char(char)
  return char ~= '' and char:match('[%w\128-\255]') ~= nil
end

--- The range of the nth whole-word occurrence of `text` in the buffer.
local function find(text, nth)
  nth = nth or 1
  local seen = 0
  for row, line in ipairs(buffer_lines()) do
    local from = 1
    while true do
      local s, e = line:find(text, from, true)
      if not s then
        break
      end
      local before, after = line:sub(s - 1, s - 1), line:sub(e + 1, e + 1)
      if not is_word_char(before) and not is_word_char(after) then
        seen = seen + 1
        if seen == nth then
          return {
            start = { line = row - 1, character = lsp_col(line, s - 1) },
            ['end'] = { line = row - 1, character = lsp_col(line, e) },
          }
        end
      end
      from = e + 1
    end
  end
  error(string.format('test document has no occurrence %d of %q', nth, text))
end

local function range_text(range)
  if type(range) ~= 'table' or type(range.start) ~= 'table' or type(range['end']) ~= 'table' then
    return nil
  end
  local lines = buffer_lines()
  local first, last = range.start.line + 1, range['end'].line + 1
  if first ~= last or not lines[first] then
    return nil
  end
  local line = lines[first]
  local s, e = byte_col(line, range.start.character), byte_col(line, range['end'].character)
  if not s or not e then
    return nil
  end
  return line:sub(s + 1, e)
end

local function describe(range)
  if type(range) ~= 'table' or not range.start then
    return show(range)
  end
  return string.format('%d:%d-%d:%d %q', range.start.line, range.start.character,
    range['end'].line, range['end'].character, range_text(range) or '?')
end

local function same_range(a, b)
  return a.start.line == b.start.line and a.start.character == b.start.character
    and a['end'].line == b['end'].line and a['end'].character == b['end'].character
end

---------------------------------------------------------------------------
-- Talking to the server.

local client
local diagnostics_by_uri = {}

-- client.f(...) before Neovim 0.11, client:f(...) after.
local function call(method, ...)
  return require('dramatis')._call(client, method, ...)
end

local function request(method, params)
  local response, err = call('request_sync', method, params, timeout_ms, bufnr)
  if not response then
    return nil, 'no answer: ' .. tostring(err)
  end
  if response.err then
    return nil, 'error: ' .. show(response.err)
  end
  return response.result, nil
end

local function doc_uri()
  return vim.uri_from_bufnr(bufnr)
end

local function at(range)
  return { textDocument = { uri = doc_uri() }, position = range.start }
end

local function hover_text(result)
  if type(result) ~= 'table' then
    return ''
  end
  local parts = {}
  local function collect(contents)
    if type(contents) == 'string' then
      table.insert(parts, contents)
    elseif type(contents) == 'table' then
      if contents.value then
        table.insert(parts, contents.value)
      else
        for _, item in ipairs(contents) do
          collect(item)
        end
      end
    end
  end
  collect(result.contents)
  return table.concat(parts, '\n')
end

local function first_location(result)
  if type(result) ~= 'table' then
    return nil
  end
  local location = result.uri and result or result[1]
  if type(location) ~= 'table' then
    return nil
  end
  if location.targetUri then
    return { uri = location.targetUri, range = location.targetSelectionRange or location.targetRange }
  end
  return location
end

local function wait_for(predicate, limit)
  return vim.wait(limit or timeout_ms, predicate, 20)
end

---------------------------------------------------------------------------
-- Shutdown: stop the server, make sure its process is gone, exit.

local server_pid

local function process_alive(pid)
  if not pid then
    return false
  end
  local ok = (vim.uv or vim.loop).kill(pid, 0)
  return ok == 0 or ok == true
end

local function finish()
  if client then
    call('stop')
    local stopped = wait_for(function()
      return call('is_stopped')
    end, 5000)
    if not stopped then
      call('stop', true)
      wait_for(function()
        return call('is_stopped')
      end, 2000)
    end
    if server_pid then
      local gone = wait_for(function()
        return not process_alive(server_pid)
      end, 5000)
      check('server process exits after shutdown/exit', gone, 'pid ' .. server_pid .. ' still running')
    end
  end
  say(string.format('e2e-neovim: %d passed, %d failed', passed, failed))
  if failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

---------------------------------------------------------------------------
-- The checks.

-- Kinds the test document pins down whatever the recognizer: a known
-- given name and a gazetteer city. Everything else is compared with
-- `dramatis annotate` (the oracle below), so a better model changes nothing.
local pinned_kinds = {
  { 'Margaret Okonkwo', 1, 'person', true },
  { 'Okonkwo', 2, 'person', false },
  { 'Lisbon', 1, 'place', true },
}

-- The oracle: the CLI's analysis of the same file, as LSP ranges.
local oracle

local function offset_to_position(offset)
  local start = 0
  for row, line in ipairs(buffer_lines()) do
    if offset <= start + #line then
      return { line = row - 1, character = lsp_col(line, offset - start) }
    end
    start = start + #line + 1
  end
  return nil
end

local function span_range(span)
  local from, to = offset_to_position(span.start), offset_to_position(span['end'])
  if not from or not to then
    return nil
  end
  return { start = from, ['end'] = to }
end

local function load_oracle()
  -- The workspace is one project: annotate it whole, as the server reads it.
  local output = vim.fn.system({ server_bin, 'annotate', '--format', 'json', root_dir })
  if vim.v.shell_error ~= 0 then
    return nil, 'dramatis annotate failed: ' .. output
  end
  local ok, files = pcall(vim.fn.json_decode, output)
  local data
  for _, file in ipairs(ok and type(files) == 'table' and files or {}) do
    if file.path == doc_path then
      data = file
    end
  end
  if type(data) ~= 'table' or type(data.mentions) ~= 'table' then
    return nil, 'dramatis annotate printed no analysis of ' .. doc_path .. ': ' .. show(output)
  end
  local definitions = {}
  for _, entity in ipairs(data.entities or {}) do
    definitions[entity.id] = entity.definition
  end
  local mentions = {}
  for _, mention in ipairs(data.mentions) do
    local definition = definitions[mention.entity] or {}
    table.insert(mentions, {
      range = span_range(mention),
      kind = mention.kind,
      entity = mention.entity,
      text = mention.text,
      declaration = definition.start == mention.start and definition['end'] == mention['end'],
    })
  end
  local diagnostics = {}
  for _, diagnostic in ipairs(data.diagnostics or {}) do
    table.insert(diagnostics, { code = diagnostic.code, range = span_range(diagnostic) })
  end
  -- Entity ids are the project's, one per entity across the files.
  local project_counts = {}
  for _, file in ipairs(files) do
    for _, mention in ipairs(file.mentions or {}) do
      project_counts[mention.entity] = (project_counts[mention.entity] or 0) + 1
    end
  end
  return { mentions = mentions, entities = data.entities or {}, diagnostics = diagnostics,
    project_counts = project_counts }, nil
end

local function check_capabilities()
  local caps = client.server_capabilities or {}
  local missing = {}
  for _, name in ipairs({ 'hoverProvider', 'definitionProvider', 'referencesProvider',
    'documentHighlightProvider', 'documentSymbolProvider', 'renameProvider', 'codeActionProvider',
    'semanticTokensProvider', 'codeLensProvider', 'inlayHintProvider', 'executeCommandProvider',
    'workspaceSymbolProvider', 'completionProvider' }) do
    if not caps[name] then
      table.insert(missing, name)
    end
  end
  check('server advertises the expected capabilities', #missing == 0, 'missing: ' .. table.concat(missing, ', '))
  local commands = caps.executeCommandProvider and caps.executeCommandProvider.commands or {}
  check('executeCommand offers dramatis.showReferences', vim.tbl_contains(commands, 'dramatis.showReferences'),
    'commands: ' .. show(commands))
end

-- Neovim before 0.11 maps no LSP keys itself; the plugin does, buffer-locally.
local function check_keymaps()
  local keys = require('dramatis').keymaps()
  local missing = {}
  for action, lhs in pairs(keys) do
    local mapping = vim.fn.maparg(lhs, 'n', false, true)
    if not (mapping and mapping.buffer == 1) then
      table.insert(missing, action .. ' (' .. lhs .. ')')
    end
  end
  local modern = vim.fn.has('nvim-0.11') == 1
  check('buffer-local keymaps are set on attach (K, gd, grr, grn, gra before 0.11)',
    #missing == 0 and keys.definition == 'gd' and (modern or keys.hover == 'K'),
    'missing: ' .. show(missing) .. ', planned: ' .. show(keys))
end

local function check_hover()
  local result, err = request('textDocument/hover', at(find('Okonkwo', 2)))
  local text = hover_text(result)
  check('hover on the surname "Okonkwo" names "Margaret Okonkwo"', text:find('Margaret Okonkwo', 1, true) ~= nil,
    err or ('hover was: ' .. show(text)))
  check('hover on "Okonkwo" says it is a person', text:lower():find('person', 1, true) ~= nil,
    err or ('hover was: ' .. show(text)))
  result, err = request('textDocument/hover', at(find('CFA', 3)))
  text = hover_text(result)
  check('hover on the acronym "CFA" gives its expansion', text:find('Coastal Fisheries Authority', 1, true) ~= nil,
    err or ('hover was: ' .. show(text)))
end

local function check_definition()
  local result, err = request('textDocument/definition', at(find('CFA', 3)))
  local location = first_location(result)
  local target = location and location.uri == doc_uri() and range_text(location.range)
  check('definition of the acronym "CFA" is "Coastal Fisheries Authority"', target == 'Coastal Fisheries Authority',
    err or ('definition was: ' .. show(result) .. ' -> ' .. show(target)))
  result, err = request('textDocument/definition', at(find('Durand', 3)))
  location = first_location(result)
  target = location and range_text(location.range)
  check('definition of the surname "Durand" is "Amélie Durand"', target == 'Amélie Durand',
    err or ('definition was: ' .. show(result) .. ' -> ' .. show(target)))
end

-- The workspace's other file, read first, mentions Lisbon: the project
-- introduces it there.
local function check_project()
  local result, err, text
  -- The other file is indexed in the background: wait for the project.
  wait_for(function()
    result, err = request('textDocument/hover', at(find('Lisbon', 1)))
    text = hover_text(result)
    return text:find('a-background.txt', 1, true) ~= nil
  end)
  check('hover on "Lisbon" says it is introduced in the other file', text:find('introduced in a-background.txt', 1, true) ~= nil,
    err or ('hover was: ' .. show(text)))
  result, err = request('textDocument/definition', at(find('Lisbon', 1)))
  local location = first_location(result)
  local elsewhere = location and location.uri:sub(-#'a-background.txt') == 'a-background.txt'
  check('definition of "Lisbon" lands in the other file', elsewhere,
    err or ('definition was: ' .. show(result)))
end

local function check_references_and_highlights()
  local params = at(find('Okonkwo', 3))
  params.context = { includeDeclaration = true }
  local refs, err = request('textDocument/references', params)
  refs = refs or {}
  local texts = {}
  for _, location in ipairs(refs) do
    table.insert(texts, range_text(location.range) or '?')
  end
  table.sort(texts)
  local want = { 'Margaret Okonkwo', 'Okonkwo', 'Okonkwo', 'Okonkwo' }
  check('references of "Okonkwo" are its 4 mentions', vim.deep_equal(texts, want),
    err or ('got: ' .. show(texts)))

  local highlights
  highlights, err = request('textDocument/documentHighlight', at(find('Okonkwo', 3)))
  highlights = highlights or {}
  local all_found = #highlights == #refs
  for _, highlight in ipairs(highlights) do
    local matched = false
    for _, location in ipairs(refs) do
      matched = matched or same_range(location.range, highlight.range)
    end
    all_found = all_found and matched
  end
  check('documentHighlight of "Okonkwo" covers the same ranges as references', all_found and #highlights == 4,
    err or ('highlights: ' .. show(vim.tbl_map(function(h) return describe(h.range) end, highlights))))
end

local function check_document_symbols()
  local symbols, err = request('textDocument/documentSymbol', { textDocument = { uri = doc_uri() } })
  local names = {}
  local function collect(list)
    for _, symbol in ipairs(list or {}) do
      names[symbol.name] = true
      collect(symbol.children)
    end
  end
  collect(symbols)
  local ok = names['Margaret Okonkwo'] and names['Amélie Durand'] and names['Lisbon']
  check('documentSymbol lists the entities by canonical name', ok, err or ('names: ' .. show(vim.tbl_keys(names))))
  local found, symbol_err = request('workspace/symbol', { query = 'okonkw' })
  local first = found and found[1] or {}
  check('workspace/symbol "okonkw" finds "Margaret Okonkwo" in this file',
    first.name == 'Margaret Okonkwo' and first.location and first.location.uri == doc_uri(),
    symbol_err or ('symbols: ' .. show(found)))
end

local function check_diagnostics()
  local uri = doc_uri()
  local arrived = wait_for(function()
    return diagnostics_by_uri[uri] ~= nil
  end)
  check('publishDiagnostics arrives for the document', arrived, 'nothing within ' .. timeout_ms .. ' ms')
  local diagnostics = diagnostics_by_uri[uri] or {}
  local krpa = find('KRPA', 1)
  local undefined, cfa_undefined = false, false
  local summary = {}
  for _, diagnostic in ipairs(diagnostics) do
    local text = range_text(diagnostic.range)
    table.insert(summary, tostring(diagnostic.code) .. ' ' .. describe(diagnostic.range))
    if diagnostic.code == 'acronym-undefined' then
      undefined = undefined or same_range(diagnostic.range, krpa)
      cfa_undefined = cfa_undefined or text == 'CFA'
    end
  end
  check('acronym-undefined is reported on "KRPA"', undefined, 'diagnostics: ' .. show(summary))
  if oracle then
    local want = {}
    for _, diagnostic in ipairs(oracle.diagnostics) do
      table.insert(want, tostring(diagnostic.code) .. ' ' .. describe(diagnostic.range))
    end
    table.sort(want)
    local got = vim.deepcopy(summary)
    table.sort(got)
    check('diagnostics equal those of `dramatis check`/`annotate` (code and range)', vim.deep_equal(want, got),
      'server: ' .. show(got) .. ', annotate: ' .. show(want))
  end
  check('no acronym-undefined on "CFA", which is spelled out', not cfa_undefined, 'diagnostics: ' .. show(summary))

  -- A severity setting of "off" must silence the code when it changes.
  local function count_code(code)
    local n = 0
    for _, diagnostic in ipairs(diagnostics_by_uri[uri] or {}) do
      if diagnostic.code == code then
        n = n + 1
      end
    end
    return n
  end
  if undefined then
    local dramatis = require('dramatis')
    dramatis.update_settings({ severity = { ['acronym-undefined'] = 'off' } })
    local silenced = wait_for(function()
      return count_code('acronym-undefined') == 0
    end)
    check('severity "off" for acronym-undefined removes it (didChangeConfiguration)', silenced,
      'still ' .. count_code('acronym-undefined'))
    dramatis.update_settings({ severity = { ['acronym-undefined'] = 'warning' } })
    local back = wait_for(function()
      for _, diagnostic in ipairs(diagnostics_by_uri[uri] or {}) do
        if diagnostic.code == 'acronym-undefined' and diagnostic.severity == 2 then
          return true
        end
      end
      return false
    end)
    check('severity "warning" brings it back as a warning', back, 'diagnostics: ' .. show(diagnostics_by_uri[uri]))
  end
end

--- Decodes the relative semanticTokens encoding into absolute tokens.
local function decode_tokens(data, legend)
  local tokens = {}
  local line, character = 0, 0
  for i = 1, #data, 5 do
    local delta_line, delta_start, length, kind, modifiers =
      data[i], data[i + 1], data[i + 2], data[i + 3], data[i + 4]
    if delta_line == nil or modifiers == nil then
      return nil, 'data length ' .. #data .. ' is not a multiple of 5'
    end
    if delta_line > 0 then
      line = line + delta_line
      character = delta_start
    else
      character = character + delta_start
    end
    local names = {}
    for bit, name in ipairs(legend.tokenModifiers or {}) do
      if math.floor(modifiers / 2 ^ (bit - 1)) % 2 == 1 then
        names[name] = true
      end
    end
    table.insert(tokens, {
      range = { start = { line = line, character = character }, ['end'] = { line = line, character = character + length } },
      type = (legend.tokenTypes or {})[kind + 1],
      modifiers = names,
    })
  end
  return tokens, nil
end

local decoded_tokens -- set by check_semantic_tokens, used by check_code_lens

local function check_semantic_tokens()
  local provider = client.server_capabilities.semanticTokensProvider or {}
  local legend = provider.legend or {}
  local types = legend.tokenTypes or {}
  check('semantic token legend has person, organization, group and place',
    vim.tbl_contains(types, 'person') and vim.tbl_contains(types, 'organization')
      and vim.tbl_contains(types, 'group') and vim.tbl_contains(types, 'place'),
    'legend: ' .. show(legend))
  check('semantic token legend has the declaration modifier', vim.tbl_contains(legend.tokenModifiers or {}, 'declaration'),
    'legend: ' .. show(legend))

  local result, err = request('textDocument/semanticTokens/full', { textDocument = { uri = doc_uri() } })
  local tokens, decode_err = decode_tokens((result or {}).data or {}, legend)
  if not check('semanticTokens/full answers with well-formed data', result and tokens, err or decode_err) then
    return
  end
  decoded_tokens = tokens
  local unknown = vim.tbl_filter(function(token) return token.type == nil end, tokens)
  check('every semantic token has a type from the legend', #unknown == 0, show(unknown))

  if oracle then
    local problems, matched = {}, {}
    for _, mention in ipairs(oracle.mentions) do
      local token
      for index, candidate in ipairs(tokens) do
        if mention.range and same_range(candidate.range, mention.range) then
          token = candidate
          matched[index] = true
        end
      end
      if not token then
        table.insert(problems, string.format('no token for %s %s', mention.kind, describe(mention.range)))
      elseif token.type ~= mention.kind or (token.modifiers.declaration == true) ~= mention.declaration then
        table.insert(problems, string.format('%s: token %s%s, annotate %s%s', describe(mention.range), tostring(token.type),
          token.modifiers.declaration and '+declaration' or '', mention.kind, mention.declaration and '+declaration' or ''))
      end
    end
    check(string.format('semantic tokens: all %d mentions of `dramatis annotate`, right kind and declaration',
      #oracle.mentions), #problems == 0, table.concat(problems, '; '))
    local extra = {}
    for index, token in ipairs(tokens) do
      if not matched[index] then
        table.insert(extra, describe(token.range) .. ' ' .. tostring(token.type))
      end
    end
    check('semantic tokens: none besides those mentions', #extra == 0, 'extra: ' .. show(extra))
  end

  for _, want in ipairs(pinned_kinds) do
    local text, nth, kind, declaration = want[1], want[2], want[3], want[4]
    local range = find(text, nth)
    local token
    for _, candidate in ipairs(tokens) do
      if same_range(candidate.range, range) then
        token = candidate
      end
    end
    local name = string.format('semantic token: %s %q #%d at %d:%d%s', kind, text, nth, range.start.line,
      range.start.character, declaration and ' (declaration)' or '')
    local ok = token ~= nil and token.type == kind and (token.modifiers.declaration == true) == declaration
    local detail
    if token then
      detail = string.format('token has type %s, modifiers %s', tostring(token.type), show(vim.tbl_keys(token.modifiers)))
    else
      local nearby = {}
      for _, candidate in ipairs(tokens) do
        if candidate.range.start.line == range.start.line then
          table.insert(nearby, describe(candidate.range) .. ' ' .. tostring(candidate.type))
        end
      end
      detail = 'no token at exactly that range; tokens on the line: ' .. show(nearby)
    end
    check(name, ok, detail)
  end
end

local function lens_count(lens)
  local title = lens.command and lens.command.title or ''
  return tonumber(title:match('(%d+) mentions?')), title
end

local function check_code_lens()
  local lenses, err = request('textDocument/codeLens', { textDocument = { uri = doc_uri() } })
  lenses = lenses or {}
  if not check('codeLens answers with at least one lens', #lenses > 0, err or 'no lenses') then
    return
  end
  local resolve = (client.server_capabilities.codeLensProvider or {}).resolveProvider
  local mismatches, by_text = {}, {}
  local mention_ranges, mixed_kinds = {}, {}
  for _, lens in ipairs(lenses) do
    if not lens.command and resolve then
      lens = request('codeLens/resolve', lens) or lens
    end
    local count, title = lens_count(lens)
    local params = { textDocument = { uri = doc_uri() }, position = lens.range.start,
      context = { includeDeclaration = true } }
    local refs = request('textDocument/references', params) or {}
    by_text[range_text(lens.range) or '?'] = count
    local kinds = {}
    for _, location in ipairs(refs) do
      -- References reach the workspace's other files; tokens are this one's.
      if location.uri == doc_uri() then
        table.insert(mention_ranges, location.range)
      end
      for _, token in ipairs(location.uri == doc_uri() and decoded_tokens or {}) do
        if same_range(token.range, location.range) then
          kinds[token.type or '?'] = true
        end
      end
    end
    if #vim.tbl_keys(kinds) > 1 then
      table.insert(mixed_kinds, (range_text(lens.range) or '?') .. ': ' .. table.concat(vim.tbl_keys(kinds), '/'))
    end
    if count == nil or count ~= #refs then
      table.insert(mismatches, string.format('%s: title %q but %d references', describe(lens.range), title, #refs))
    end
  end
  check('every code lens count ("N mentions") equals the number of references', #mismatches == 0,
    table.concat(mismatches, '; '))

  -- Lenses name every entity, references every mention: together they are
  -- the server's own list of mentions, which semantic tokens must match.
  if decoded_tokens then
    local untokened, unreferenced = {}, {}
    for _, range in ipairs(mention_ranges) do
      local found = false
      for _, token in ipairs(decoded_tokens) do
        found = found or same_range(token.range, range)
      end
      if not found then
        table.insert(untokened, describe(range))
      end
    end
    for _, token in ipairs(decoded_tokens) do
      local found = false
      for _, range in ipairs(mention_ranges) do
        found = found or same_range(token.range, range)
      end
      if not found then
        table.insert(unreferenced, describe(token.range))
      end
    end
    check('every mention (all references of all lenses) has a semantic token', #untokened == 0,
      'without token: ' .. show(untokened))
    check('every semantic token is a mention of some entity', #unreferenced == 0,
      'not a reference: ' .. show(unreferenced))
    check("all mentions of an entity share one token kind", #mixed_kinds == 0, show(mixed_kinds))
  end
  -- The lens sits on the entity's introducing mention or its line start.
  if oracle then
    -- A lens counts the entity's mentions in the whole project.
    local counts, lens_problems = oracle.project_counts, {}
    for _, lens in ipairs(lenses) do
      local entity
      for _, mention in ipairs(oracle.mentions) do
        if mention.declaration and mention.range and same_range(mention.range, lens.range) then
          entity = mention.entity
        end
      end
      local count = lens_count(lens)
      if not entity then
        table.insert(lens_problems, describe(lens.range) .. ' is not an entity introduction')
      elseif count ~= counts[entity] then
        table.insert(lens_problems, string.format('%s says %s, annotate has %d mentions', describe(lens.range),
          tostring(count), counts[entity]))
      end
    end
    if #lenses ~= #oracle.entities then
      table.insert(lens_problems, string.format('%d lenses for %d entities', #lenses, #oracle.entities))
    end
    check('one code lens per entity, its count equal to the mentions in `dramatis annotate`', #lens_problems == 0,
      table.concat(lens_problems, '; '))
  end
  local okonkwo = by_text['Margaret Okonkwo'] or by_text['Margaret']
  check('code lens on "Margaret Okonkwo" says 4 mentions', okonkwo == 4, 'lenses: ' .. show(by_text))
end

local function inlay_hints()
  local lines = buffer_lines()
  local params = {
    textDocument = { uri = doc_uri() },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = #lines, character = 0 } },
  }
  local result, err = request('textDocument/inlayHint', params)
  return result or {}, err
end

local function hint_label(hint)
  if type(hint.label) == 'string' then
    return hint.label
  end
  local parts = {}
  for _, part in ipairs(hint.label or {}) do
    table.insert(parts, part.value or '')
  end
  return table.concat(parts)
end

local function check_inlay_hints()
  local dramatis = require('dramatis')
  local hints, err = inlay_hints()
  check('no inlay hints while they are off (the default)', #hints == 0 and not err,
    err or ('got ' .. #hints .. ': ' .. show(vim.tbl_map(hint_label, hints))))

  dramatis.update_settings({ inlayHints = true })
  -- The notification and the request may be handled concurrently: poll.
  wait_for(function()
    hints, err = inlay_hints()
    return #hints > 0
  end)
  local labels = vim.tbl_map(hint_label, hints)
  local names_okonkwo = false
  local okonkwo_end = find('Okonkwo', 2)['end']
  for _, hint in ipairs(hints) do
    if hint.position.line == okonkwo_end.line and hint.position.character == okonkwo_end.character
      and hint_label(hint):find('Margaret Okonkwo', 1, true) then
      names_okonkwo = true
    end
  end
  check('inlay hints appear once enabled via didChangeConfiguration', #hints > 0, err or 'no hints')
  check('an inlay hint after the short "Okonkwo" names "Margaret Okonkwo"', names_okonkwo,
    'hints: ' .. show(labels))

  dramatis.update_settings({ inlayHints = false })
  wait_for(function()
    hints, err = inlay_hints()
    return #hints == 0
  end)
  check('inlay hints disappear when disabled again', #hints == 0, 'still ' .. #hints)
end

local function cursor_on(range)
  local line = buffer_lines()[range.start.line + 1]
  vim.api.nvim_win_set_cursor(0, { range.start.line + 1, byte_col(line, range.start.character) })
end

local function cursor_is_at(range)
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local line = buffer_lines()[range.start.line + 1]
  return row == range.start.line + 1 and col == byte_col(line, range.start.character),
    string.format('cursor at %d:%d', row - 1, col)
end

local function check_mention_jumps()
  local dramatis = require('dramatis')
  cursor_on(find('Okonkwo', 2))
  dramatis.next_mention()
  local ok, where = cursor_is_at(find('Okonkwo', 3))
  check('next_mention() moves from the 2nd to the 3rd "Okonkwo"', ok, where)
  cursor_on(find('Okonkwo', 2))
  dramatis.prev_mention()
  ok, where = cursor_is_at(find('Margaret Okonkwo', 1))
  check('prev_mention() moves back to "Margaret Okonkwo"', ok, where)
  cursor_on(find('Okonkwo', 4))
  dramatis.next_mention()
  ok, where = cursor_is_at(find('Margaret Okonkwo', 1))
  check('next_mention() wraps around from the last mention', ok, where)
end

---------------------------------------------------------------------------

local function main()
  vim.opt.runtimepath:prepend(repo .. '/editors/neovim')
  vim.cmd('filetype on')
  vim.o.swapfile = false
  vim.o.shortmess = vim.o.shortmess .. 'F'

  local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    if result and result.uri then
      diagnostics_by_uri[result.uri] = result.diagnostics or {}
    end
    return default_publish(err, result, ctx, config)
  end

  -- Tell the server we understand what 0.7 cannot show, so it offers them.
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.textDocument.semanticTokens = {
    dynamicRegistration = false,
    requests = { range = false, full = { delta = false } },
    tokenTypes = { 'person', 'organization', 'group', 'place' },
    tokenModifiers = { 'declaration' },
    formats = { 'relative' },
  }
  capabilities.textDocument.inlayHint = { dynamicRegistration = false }
  capabilities.textDocument.codeLens = { dynamicRegistration = false }

  local attached = false
  require('dramatis').setup({
    cmd = { server_bin, 'lsp' },
    root_dir = root_dir,
    capabilities = capabilities,
    -- The lens checks below need one lens per entity, single mentions too.
    settings = { codeLensSingleMentions = true },
    on_attach = function(attached_client, attached_buf)
      if attached_buf == bufnr or bufnr == nil then
        client = attached_client
        attached = true
      end
    end,
  })

  vim.cmd('edit ' .. vim.fn.fnameescape(doc_path))
  bufnr = vim.api.nvim_get_current_buf()
  check('the document opens as filetype "text"', vim.bo[bufnr].filetype == 'text', 'filetype ' .. vim.bo[bufnr].filetype)

  local ok = wait_for(function()
    return attached
  end)
  if not check('dramatis attaches to the buffer', ok and client ~= nil,
    'no attach within ' .. timeout_ms .. ' ms; is ' .. server_bin .. ' a working language server?') then
    return
  end
  encoding = client.offset_encoding or 'utf-16'
  server_pid = client.rpc and client.rpc.pid
  if not server_pid then
    -- Newer Neovims keep the pid private: find our child running the binary.
    local binary_name = vim.fn.fnamemodify(server_bin, ':t')
    for _, child in ipairs(vim.api.nvim_get_proc_children(vim.fn.getpid())) do
      local info = vim.api.nvim_get_proc(child)
      -- The kernel keeps only the first 15 characters of a process name.
      if info and info.name == binary_name:sub(1, 15) then
        server_pid = child
      end
    end
  end
  if pidfile and server_pid then
    local file = io.open(pidfile, 'w')
    if file then
      file:write(tostring(server_pid))
      file:close()
    end
  end
  local oracle_err
  oracle, oracle_err = load_oracle()
  check('`dramatis annotate` analyses the document (the oracle)', oracle ~= nil, oracle_err)

  say('     server ' .. server_bin .. ' (pid ' .. tostring(server_pid) .. '), Neovim '
    .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch)
    .. ', positions in ' .. encoding)

  -- Each group runs on its own so one server bug does not hide the rest.
  for _, step in ipairs({ check_capabilities, check_keymaps, check_diagnostics, check_hover, check_project, check_definition,
    check_references_and_highlights, check_document_symbols, check_semantic_tokens, check_code_lens,
    check_inlay_hints, check_mention_jumps }) do
    local step_ok, step_err = pcall(step)
    if not step_ok then
      check('harness step runs without error', false, tostring(step_err))
    end
  end
end

local ok, err = pcall(main)
if not ok then
  check('harness runs', false, tostring(err))
end
finish()
