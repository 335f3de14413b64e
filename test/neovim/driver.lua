-- Drives headless Neovim (0.10 or newer) like a user of the README's configuration: opens a payload and a JSON Lines
-- wave of the workspace $KRAKEN_WS, applies quick fixes and fix-all through vim.lsp.buf.code_action, completes an
-- enum value after a lone quote, edits the config file on disk, changes the editor settings, and writes what it saw
-- to $KRAKEN_OUT (JSON) for test/neovim/neovim.test.ts to assert. Every wait is on an event or a condition
-- (vim.wait polls it), bounded.
local ws = vim.env.KRAKEN_WS
local out = { steps = {} }
local function save()
  local f = assert(io.open(vim.env.KRAKEN_OUT, 'w'))
  f:write(vim.json.encode(out))
  f:close()
end
local function finish(err)
  out.error = err
  save()
  vim.cmd('qa!')
end
local new_api = vim.fn.has('nvim-0.11') == 1
local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
local function client_for(buf)
  return get_clients({ bufnr = buf, name = 'kraken_import' })[1]
end
local function wait(what, ms, cond)
  if not vim.wait(ms, cond, 20) then error('timed out waiting for ' .. what) end
end

local function diags(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(list, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, code = d.code, severity = d.severity, message = d.message })
  end
  table.sort(list, function(a, b)
    if a.lnum ~= b.lnum then return a.lnum < b.lnum end
    if a.col ~= b.col then return a.col < b.col end
    return tostring(a.code) < tostring(b.code)
  end)
  return list
end
local function codes(buf)
  local c = {}
  for _, d in ipairs(diags(buf)) do table.insert(c, string.format('%s@%d:%d', d.code, d.lnum, d.col)) end
  return table.concat(c, ' ')
end

-- Every diagnostics update of every buffer, to show that no finding flashes and goes on start.
local changes = {}
vim.api.nvim_create_autocmd('DiagnosticChanged', {
  callback = function(args)
    local name = vim.fs.basename(vim.api.nvim_buf_get_name(args.buf))
    changes[name] = changes[name] or {}
    table.insert(changes[name], codes(args.buf))
  end,
})
-- What the server showed the user.
local shown = {}
vim.lsp.handlers['window/showMessage'] = function(_, result) table.insert(shown, result.message) end

local function request(buf, method, params)
  local client = client_for(buf)
  local res = vim.lsp.buf_request_sync(buf, method, params, 10000)
  local r = res and res[client.id]
  if not r then error(method .. ': no answer') end
  if r.err then error(method .. ': ' .. vim.inspect(r.err)) end
  return r.result
end
local function position_params(buf)
  return vim.lsp.util.make_position_params(0, client_for(buf).offset_encoding)
end
--- Puts the cursor on the first match of `pattern` (a Lua pattern) in the buffer, `offset` bytes into the match.
local function cursor_at(buf, pattern, offset, from_line)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if i > (from_line or 0) then
      local s = line:find(pattern)
      if s then
        vim.api.nvim_win_set_cursor(0, { i, s - 1 + (offset or 0) })
        return i - 1, s - 1
      end
    end
  end
  error('not in the buffer: ' .. pattern)
end
local function line(buf, n)
  return vim.api.nvim_buf_get_lines(buf, n, n + 1, false)[1]
end
local function code_action(buf, opts)
  local before = vim.api.nvim_buf_get_changedtick(buf)
  vim.lsp.buf.code_action(vim.tbl_extend('force', { apply = true }, opts))
  wait('the code action to be applied', 10000, function() return vim.api.nvim_buf_get_changedtick(buf) ~= before end)
end
local function set_settings(client, settings)
  if new_api then
    client.settings = settings
    client:notify('workspace/didChangeConfiguration', { settings = settings })
  else
    client.settings = settings
    client.notify('workspace/didChangeConfiguration', { settings = settings })
  end
end

local ok, err = pcall(function()
  -- 1. The payload: the README's configuration starts the server; findings arrive.
  local buf = vim.api.nvim_get_current_buf()
  wait('the server to attach', 20000, function() return client_for(buf) ~= nil end)
  wait('the findings of account.json', 20000, function() return #vim.diagnostic.get(buf) > 0 end)
  local client = client_for(buf)
  local caps = client.server_capabilities
  out.server = {
    pull = caps.diagnosticProvider ~= nil,
    codeActionKinds = type(caps.codeActionProvider) == 'table' and caps.codeActionProvider.codeActionKinds or nil,
    executeCommand = caps.executeCommandProvider ~= nil,
    positionEncoding = caps.positionEncoding,
    offsetEncoding = client.offset_encoding,
  }
  out.account = diags(buf)

  -- 2. Hover on a key, and the outline.
  cursor_at(buf, '"sales_channel"', 2)
  local hover = request(buf, 'textDocument/hover', position_params(buf))
  out.hover = hover and hover.contents and hover.contents.value
  local symbols = request(buf, 'textDocument/documentSymbol', { textDocument = vim.lsp.util.make_text_document_params(buf) })
  out.symbols = {}
  for _, s in ipairs(symbols) do table.insert(out.symbols, s.name) end

  -- 3. A quick fix, through the user's path (the code action menu with one choice, applied).
  local n = cursor_at(buf, '"direct"', 1)
  code_action(buf, { filter = function(a) return a.title == 'Change to "DIRECT"' end })
  out.fixed_line = line(buf, n)

  -- 4. Completion of an enum value after a lone quote typed before an existing comma: the line afterwards.
  vim.api.nvim_buf_set_lines(buf, n, n + 1, false, { '  "sales_channel": ",' })
  vim.api.nvim_win_set_cursor(0, { n + 1, #'  "sales_channel": "' })
  local list = request(buf, 'textDocument/completion', position_params(buf))
  local items = list.items or list
  local direct
  out.commands = {}
  for _, item in ipairs(items) do
    if item.label == '"DIRECT"' then direct = item end
    if item.command then table.insert(out.commands, item.command.command) end
  end
  if not direct then error('no "DIRECT" among ' .. #items .. ' items') end
  vim.lsp.util.apply_text_edits({ direct.textEdit }, buf, client.offset_encoding)
  if direct.additionalTextEdits then vim.lsp.util.apply_text_edits(direct.additionalTextEdits, buf, client.offset_encoding) end
  out.completed_line = line(buf, n)
  -- A property name: its items carry no VS Code-only command either.
  cursor_at(buf, '"famly_name"', 3)
  local keys = request(buf, 'textDocument/completion', position_params(buf))
  out.key_labels = {}
  for _, item in ipairs(keys.items or keys) do
    table.insert(out.key_labels, item.label)
    if item.command then table.insert(out.commands, item.command.command) end
  end

  -- 5. Fix-all (source.fixAll) on what is left.
  wait('findings of the edited text', 10000, function() return not codes(buf):find('invalid%-enum') end)
  code_action(buf, { context = { only = { 'source.fixAll' }, diagnostics = {} } })
  wait('the date finding to go after fix-all', 10000, function() return not codes(buf):find('invalid%-format') end)
  out.after_fix_all = diags(buf)

  -- 6. The config file changes on disk: the server follows.
  local f = assert(io.open(ws .. '/kraken-import.config.json', 'w'))
  f:write(vim.env.KRAKEN_NEW_CONFIG)
  f:close()
  wait('date-order to go with the new config file', 15000, function() return not codes(buf):find('date%-order') end)
  out.after_config = diags(buf)

  -- 7. The editor settings change: shown without an edit (no refresh request to a client that has none).
  set_settings(client, vim.json.decode(vim.env.KRAKEN_NEW_SETTINGS))
  wait('unknown-property to go with the new settings', 15000, function() return not codes(buf):find('unknown%-property') end)
  out.after_settings = diags(buf)

  -- 8. A JSON Lines wave: findings per record, hover and a quick fix inside the second record, live.
  vim.cmd('edit ' .. ws .. '/wave.jsonl')
  local wave = vim.api.nvim_get_current_buf()
  out.wave_filetype = vim.bo[wave].filetype
  wait('the findings of wave.jsonl', 20000, function() return client_for(wave) ~= nil and #vim.diagnostic.get(wave) > 0 end)
  out.wave = diags(wave)
  cursor_at(wave, '"sales_channel"', 2, 1)
  local wave_hover = request(wave, 'textDocument/hover', position_params(wave))
  out.wave_hover = wave_hover and wave_hover.contents and wave_hover.contents.value
  cursor_at(wave, '"direct"', 1, 1)
  code_action(wave, { filter = function(a) return a.title == 'Change to "DIRECT"' end })
  out.wave_line = line(wave, 1)
  wait('the fixed record\'s finding to go', 10000, function() return not codes(wave):find('invalid%-enum') end)
  out.wave_after = diags(wave)

  out.changes = changes
  out.shown = shown
  out.log = vim.lsp.get_log_path()
end)
finish(not ok and tostring(err) or nil)
