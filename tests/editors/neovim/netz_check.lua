-- Checks netz-lsp through Neovim 0.7's built-in LSP client (vim.lsp.start_client).
--
-- Run: nvim --headless --clean -u NONE -c 'luafile tests/editors/neovim/netz_check.lua'
-- Environment:
--   NETZ_SERVER_CMD   JSON array, the server's command line
--   NETZ_FILE         file to open (a copy, because code actions may change it)
--   NETZ_SETTINGS     JSON object sent as initializationOptions
--   NETZ_STEP         codeaction | ask | completion
--   NETZ_EXPECT       text the step's result must contain (may be empty)
-- Prints one "NETZ-NVIM PASS <step>: ..." or "NETZ-NVIM FAIL <step>: ..." line and exits
-- with status 0 on PASS, 1 on FAIL.

local TIMEOUT_MS = 60000

local function env(name, default)
  local value = os.getenv(name)
  if value == nil or value == '' then
    return default
  end
  return value
end

local function report(ok, step, detail)
  io.stdout:write(string.format('NETZ-NVIM %s %s: %s\n', ok and 'PASS' or 'FAIL', step, detail))
  io.stdout:flush()
  vim.cmd(ok and 'qall!' or 'cquit 1')
end

local function log(message)
  io.stderr:write('[nvim] ' .. message .. '\n')
end

local step = env('NETZ_STEP', 'codeaction')
local expected = env('NETZ_EXPECT', '')
local file = env('NETZ_FILE')
if not file or not env('NETZ_SERVER_CMD') then
  report(false, step, 'NETZ_FILE and NETZ_SERVER_CMD must be set')
end
local command = vim.fn.json_decode(env('NETZ_SERVER_CMD'))
local settings = vim.fn.json_decode(env('NETZ_SETTINGS', '{}'))

local answers = {}
local statuses = {}

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()

local client_id = vim.lsp.start_client({
  name = 'netz',
  cmd = command,
  root_dir = vim.fn.fnamemodify(file, ':p:h'),
  init_options = settings,
  -- Send buffer changes at once, so that a request right after an edit sees the new text.
  flags = { debounce_text_changes = 0 },
  handlers = {
    ['netz/answer'] = function(_, part)
      answers[part.answerId] = answers[part.answerId] or { text = '', done = false }
      local answer = answers[part.answerId]
      answer.text = answer.text .. (part.delta or '')
      answer.done = answer.done or part.done
    end,
    ['netz/status'] = function(_, status)
      table.insert(statuses, status)
    end,
    ['window/showMessage'] = function(_, message)
      log('window/showMessage: ' .. tostring(message.message))
    end,
  },
})
if not client_id then
  report(false, step, 'vim.lsp.start_client returned nil for ' .. table.concat(command, ' '))
end
vim.lsp.buf_attach_client(bufnr, client_id)

local client = vim.lsp.get_client_by_id(client_id)
local ready = vim.wait(TIMEOUT_MS, function()
  return client.initialized and #statuses > 0
end, 50)
if not ready then
  report(false, step, 'the server did not finish initialize and send netz/status')
end

local uri = vim.uri_from_bufnr(bufnr)
local line_count = vim.api.nvim_buf_line_count(bufnr)
local whole_file = { start = { line = 0, character = 0 }, ['end'] = { line = line_count, character = 0 } }

local function request(method, params)
  local response, err = client.request_sync(method, params, TIMEOUT_MS, bufnr)
  if not response then
    return nil, method .. ' failed: ' .. tostring(err)
  end
  if response.err then
    return nil, method .. ' returned an error: ' .. vim.inspect(response.err, { newline = ' ', indent = '' })
  end
  return response.result
end

local function buffer_text()
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

-- Code actions: list the NETZ actions for the whole file and run the refactor action.
local function check_code_actions()
  local actions, err = request('textDocument/codeAction', {
    textDocument = { uri = uri },
    range = whole_file,
    context = { diagnostics = {} },
  })
  if not actions then
    return false, err
  end
  local titles = {}
  local refactor
  for _, action in ipairs(actions) do
    table.insert(titles, action.title)
    local is_refactor = (action.kind or ''):match('^refactor') or action.title:lower():match('refactor')
    if is_refactor and not refactor then
      refactor = action
    end
  end
  log('code actions: ' .. table.concat(titles, ' | '))
  if not refactor then
    return false, 'no refactor action among: ' .. table.concat(titles, ' | ')
  end

  if not refactor.edit and not refactor.command then
    local resolved, resolve_err = request('codeAction/resolve', refactor)
    if not resolved then
      return false, resolve_err
    end
    refactor = resolved
  end
  local before = buffer_text()
  if refactor.edit then
    vim.lsp.util.apply_workspace_edit(refactor.edit, client.offset_encoding or 'utf-16')
  end
  if refactor.command then
    local cmd = type(refactor.command) == 'table' and refactor.command or refactor
    local _, command_err = request('workspace/executeCommand', { command = cmd.command, arguments = cmd.arguments })
    if command_err then
      return false, command_err
    end
    -- A command may change the buffer through workspace/applyEdit.
    vim.wait(5000, function()
      return buffer_text() ~= before
    end, 50)
  end
  local after = buffer_text()
  if after == before then
    return false, 'running "' .. refactor.title .. '" did not change the buffer'
  end
  if expected ~= '' and not after:find(expected, 1, true) then
    return false, 'the buffer after "' .. refactor.title .. '" does not contain "' .. expected .. '"'
  end
  return true, #actions .. ' actions (' .. table.concat(titles, ' | ') .. '); "' .. refactor.title .. '" changed the buffer'
end

-- netz.ask: the result and the streamed netz/answer parts must agree.
local function check_ask()
  local answer_id = 'nvim-' .. tostring(vim.loop.hrtime())
  local result, err = request('workspace/executeCommand', {
    command = 'netz.ask',
    arguments = {
      { question = 'What does this file do?', uri = uri, range = whole_file, answerId = answer_id },
    },
  })
  if not result then
    return false, err
  end
  if type(result.answer) ~= 'string' or result.answer == '' then
    return false, 'netz.ask returned no answer: ' .. vim.inspect(result)
  end
  vim.wait(5000, function()
    return answers[answer_id] ~= nil and answers[answer_id].done
  end, 50)
  local streamed = answers[answer_id]
  if not streamed or not streamed.done then
    return false, 'no netz/answer with done=true arrived for answerId ' .. answer_id
  end
  if streamed.text ~= result.answer then
    return false, 'the streamed parts differ from the returned answer'
  end
  if expected ~= '' and not result.answer:find(expected, 1, true) then
    return false, 'the answer does not contain "' .. expected .. '": ' .. result.answer
  end
  return true, 'answer of ' .. #result.answer .. ' characters from ' .. tostring(result.model)
end

-- Inline completion: a raw textDocument/inlineCompletion request at the end of the file
-- (Neovim 0.7 has no inline completion UI).
local function check_completion()
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { 'def add(a, b):', '    ' })
  local last = vim.api.nvim_buf_line_count(bufnr) - 1
  local position = { line = last, character = 4 }
  local result, err = request('textDocument/inlineCompletion', {
    textDocument = { uri = uri },
    position = position,
    context = { triggerKind = 1 },
  })
  if err then
    return false, err
  end
  local items = result and (result.items or result) or {}
  if #items == 0 then
    return false, 'no inline completion items at line ' .. last
  end
  local text = items[1].insertText
  if type(text) == 'table' then
    text = text.value
  end
  if expected ~= '' and not tostring(text):find(expected, 1, true) then
    return false, 'the completion "' .. tostring(text) .. '" does not contain "' .. expected .. '"'
  end
  return true, 'completion "' .. tostring(text) .. '"'
end

local checks = { codeaction = check_code_actions, ask = check_ask, completion = check_completion }
if not checks[step] then
  report(false, step, 'unknown NETZ_STEP; expected codeaction, ask or completion')
end
local ok, passed, detail = pcall(checks[step])
if not ok then
  report(false, step, 'error: ' .. tostring(passed))
end
report(passed, step, detail)
