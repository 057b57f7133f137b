// The operator console: reads /console/api/overview and the dead-letter API (/dlq) of the same server, refreshes
// itself every few seconds, and sends replays and purges as POSTs carrying the admin token in X-Eventbus-Token.
// Everything shown is set as text, never as HTML: dead letters carry whatever their producers wrote.
'use strict';

const REFRESH_MS = 3000;
const TOKEN_KEY = 'eventbus-admin-token';
const state = { overview: null, topic: null, filter: {}, cursors: [null], page: null, letter: null };

const $ = (id) => document.getElementById(id);

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? '–' : String(text);
  if (className) td.className = className;
  return td;
}

function fill(tableId, rows, render) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren();
  rows.forEach((item) => render(body.insertRow(), item));
  if (rows.length === 0) {
    const td = body.insertRow().insertCell();
    td.colSpan = $(tableId).tHead.rows[0].cells.length;
    td.textContent = 'none';
    td.className = 'muted';
  }
}

function say(text, ok) {
  const message = $('message');
  message.textContent = text;
  message.className = text ? (ok ? 'ok' : 'error') : '';
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.status + ' ' + response.statusText);
  return body;
}

async function post(url) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers['X-Eventbus-Token'] = token;
  const response = await fetch(url, { method: 'POST', headers });
  const body = await response.json();
  if (!response.ok) throw new Error(response.status + ': ' + (body.error || response.statusText));
  return body;
}

function duration(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

function renderOverview(overview) {
  document.body.classList.toggle('admin', overview.admin);
  fill('topics', overview.topics, (row, t) => {
    row.dataset.topic = t.topic;
    cell(row, t.topic);
    cell(row, t.transport);
    cell(row, t.length, 'num');
    cell(row, t.dlq_length, 'num' + (t.dlq_length > 0 ? ' warn' : ''));
    cell(row, t.error || '', t.error ? 'bad' : 'muted');
  });
  const groups = [];
  overview.topics.forEach((t) => (t.groups || []).forEach((g) => groups.push({ topic: t.topic, ...g })));
  fill('groups', groups, (row, g) => {
    row.dataset.topic = g.topic;
    row.dataset.group = g.group;
    cell(row, g.topic);
    cell(row, g.group);
    cell(row, g.lag, 'num lag' + (g.lag > 0 ? ' warn' : ''));
    cell(row, g.pending, 'num');
    cell(row, g.consumers, 'num' + (g.consumers === 0 ? ' bad' : ''));
  });
  fill('routes', overview.routes, (row, r) => {
    cell(row, r.id);
    cell(row, r.state, r.state === 'Started' ? 'good' : 'warn');
    cell(row, r.from);
    cell(row, duration(r.uptime_ms), 'num');
  });
  const reload = overview.reload;
  const reloadText = 'Hot reload: ' + reload.reloads + ' route file reloads, ' + reload.config_reloads
      + ' configuration reloads, ' + reload.reload_failures + ' refused'
      + (reload.last_error ? '. Last refusal: ' + reload.last_error : '.');
  $('reload').textContent = reloadText;
  $('reload').className = reload.last_error ? 'bad' : 'muted';
  const select = $('dlq-topic');
  const names = overview.topics.map((t) => t.topic);
  if (select.options.length !== names.length || names.some((n, i) => select.options[i].value !== n)) {
    select.replaceChildren(...names.map((n) => new Option(n, n)));
  }
  if (!state.topic && names.length > 0) {
    const withLetters = overview.topics.find((t) => t.dlq_length > 0);
    state.topic = withLetters ? withLetters.topic : names[0];
  }
  if (state.topic) select.value = state.topic;
}

function dlqQuery(extra) {
  const params = new URLSearchParams();
  Object.entries(state.filter).forEach(([k, v]) => { if (v) params.set(k, v); });
  Object.entries(extra || {}).forEach(([k, v]) => { if (v !== null && v !== undefined) params.set(k, v); });
  return params.toString();
}

async function loadDeadLetters() {
  if (!state.topic) return;
  const before = state.cursors[state.cursors.length - 1];
  const page = await getJson('/dlq/' + encodeURIComponent(state.topic) + '?'
      + dlqQuery({ size: 20, before }));
  state.page = page;
  fill('dlq', page.dead_letters, (row, d) => {
    row.dataset.eventId = d.event_id;
    cell(row, d.event_id);
    cell(row, d.event_type);
    cell(row, d.error_type);
    cell(row, d.failed_at);
    cell(row, d.last_error, 'reason').title = d.last_error || '';
    cell(row, d.replay_count, 'num');
    const open = document.createElement('button');
    open.type = 'button';
    open.textContent = 'Open';
    open.className = 'open';
    open.addEventListener('click', () => openLetter(d.event_id));
    row.insertCell().append(open);
  });
  const pageNo = state.cursors.length;
  $('dlq-summary').textContent = page.topic + ' on ' + page.transport + ': page ' + pageNo
      + (page.total !== null ? ' of ' + Math.max(1, Math.ceil(page.total / page.size)) + ', ' + page.total
      + ' dead letters' : ', filtered') + (page.scan_limit ? ' (search stopped after ' + page.scanned
      + ' entries: Older goes on)' : '');
  $('dlq-newer').disabled = state.cursors.length === 1;
  $('dlq-older').disabled = !page.next;
}

async function openLetter(eventId) {
  try {
    const shown = await getJson('/dlq/' + encodeURIComponent(state.topic) + '/events/' + encodeURIComponent(eventId));
    const letter = shown.dead_letters[shown.dead_letters.length - 1];
    state.letter = letter;
    $('letter-id').textContent = letter.event_id;
    fill('history', letter.failure_history.concat([{ failed_at: letter.failed_at, failed_stage: letter.failed_stage,
      error_type: letter.error_type, last_error: letter.last_error }]), (row, h) => {
      cell(row, row.rowIndex, 'num');
      cell(row, h.failed_at);
      cell(row, h.failed_stage);
      cell(row, h.error_type);
      cell(row, h.last_error || h.error);
    });
    $('letter-json').textContent = JSON.stringify(letter.envelope, null, 2);
    $('letter').hidden = false;
  } catch (e) {
    say(e.message, false);
  }
}

async function act(operation, params, question) {
  if (!window.confirm(question)) return;
  try {
    const result = await post('/dlq/' + encodeURIComponent(state.topic) + '/' + operation + '?' + dlqQuery(params));
    if (operation === 'replay') {
      const replayed = result.outcomes.filter((o) => o.action === 'replayed').length;
      const failed = result.outcomes.filter((o) => o.action === 'failed');
      say('Replayed ' + replayed + ', parked ' + result.outcomes.filter((o) => o.action === 'parked').length
          + (failed.length ? ', failed ' + failed.length + ': ' + failed[0].reason : ''), failed.length === 0);
    } else {
      say('Purged ' + result.purged.length + ' dead letters', true);
    }
    $('letter').hidden = true;
    state.letter = null;
    await refresh();
  } catch (e) {
    say(operation + ' refused: ' + e.message, false);
  }
}

async function refresh() {
  try {
    state.overview = await getJson('/console/api/overview');
    renderOverview(state.overview);
    await loadDeadLetters();
    $('refreshed').textContent = 'refreshed ' + new Date().toLocaleTimeString();
  } catch (e) {
    $('refreshed').textContent = 'refresh failed: ' + e.message;
  }
}

function readFilter() {
  state.filter = {
    event_type: $('f-event-type').value.trim(), error_type: $('f-error-type').value.trim(),
    grep: $('f-grep').value.trim(), since: $('f-since').value.trim(), until: $('f-until').value.trim(),
  };
  state.cursors = [null];
}

function wire() {
  $('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value);
    say($('token').value ? 'Admin token set for this tab' : 'Admin token cleared', true);
  });
  $('dlq-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    readFilter();
    say('', true);
    loadDeadLetters().catch((err) => say(err.message, false));
  });
  $('f-clear').addEventListener('click', () => {
    ['f-event-type', 'f-error-type', 'f-grep', 'f-since', 'f-until'].forEach((id) => { $(id).value = ''; });
    readFilter();
    loadDeadLetters().catch((err) => say(err.message, false));
  });
  $('dlq-topic').addEventListener('change', () => {
    state.topic = $('dlq-topic').value;
    state.cursors = [null];
    $('letter').hidden = true;
    loadDeadLetters().catch((err) => say(err.message, false));
  });
  $('dlq-older').addEventListener('click', () => {
    if (state.page && state.page.next) state.cursors.push(state.page.next);
    loadDeadLetters().catch((err) => say(err.message, false));
  });
  $('dlq-newer').addEventListener('click', () => {
    if (state.cursors.length > 1) state.cursors.pop();
    loadDeadLetters().catch((err) => say(err.message, false));
  });
  $('letter-close').addEventListener('click', () => { $('letter').hidden = true; });
  $('letter-replay').addEventListener('click', () => act('replay', { id: state.letter.event_id },
      'Replay dead letter ' + state.letter.event_id + ' to ' + (state.letter.dead_lettered_from || state.topic) + '?'));
  $('letter-purge').addEventListener('click', () => act('purge', { id: state.letter.event_id },
      'Purge dead letter ' + state.letter.event_id + ' for good?'));
  $('dlq-replay-matching').addEventListener('click', () => act('replay', {},
      'Replay every dead letter of ' + state.topic + ' that matches the filter?'));
  $('dlq-purge-matching').addEventListener('click', () => act('purge',
      Object.values(state.filter).some((v) => v) ? {} : { all: 'true' },
      'Purge every dead letter of ' + state.topic + ' that matches the filter, for good?'));
  refresh();
  setInterval(refresh, REFRESH_MS);
}

document.addEventListener('DOMContentLoaded', wire);
