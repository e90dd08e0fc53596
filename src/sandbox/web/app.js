// The sandbox viewer: polls /sandbox/api/state, shows what the bot posted (HTML rendered by the server),
// and turns clicks, submissions and typed commands into calls to /sandbox/api/*, which send real signed
// Slack requests to the app. No framework, no build step.

const POLL_MS = 1500;
const params = new URLSearchParams(location.search);
const ui = {
  user: params.get('user') || localStorage.getItem('sandbox.user') || '',
  view: params.get('view') || localStorage.getItem('sandbox.view') || '',
  snapshot: null,
  rendered: { pane: '', nav: '', modal: '' },
  busy: 0,
};

const $ = (id) => document.getElementById(id);
const escapeHtml = (text) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || data.error || `HTTP ${response.status}`);
  return data;
}

function toast(message, kind = 'error') {
  const el = $('toast');
  el.textContent = message;
  el.className = `toast toast-${kind}`;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    el.hidden = true;
  }, 5000);
}

function setStatus(text) {
  $('status').textContent = text;
}

async function track(label, work) {
  ui.busy += 1;
  setStatus(label);
  try {
    return await work();
  } catch (error) {
    toast(error.message);
    return undefined;
  } finally {
    ui.busy -= 1;
    if (ui.busy === 0) setStatus('');
    setTimeout(refresh, 250);
  }
}

// ── view selection ────────────────────────────────────────────────────────────────────────

function userById(id) {
  return ui.snapshot?.users.find((u) => u.id === id);
}

function persist() {
  localStorage.setItem('sandbox.user', ui.user);
  localStorage.setItem('sandbox.view', ui.view);
  const url = new URL(location.href);
  url.searchParams.set('user', ui.user);
  url.searchParams.set('view', ui.view);
  history.replaceState(null, '', url);
}

function select(user, view) {
  const changedUser = user !== ui.user;
  ui.user = user;
  ui.view = view;
  ui.rendered.pane = '';
  persist();
  if (view === 'home') track('Opening App Home…', () => api('/sandbox/api/home-opened', { user }));
  if (changedUser) ui.rendered.modal = '';
  refresh();
}

function currentConversation() {
  const snap = ui.snapshot;
  if (!snap || ui.view === 'home') return undefined;
  const id = ui.view === 'dm' ? userById(ui.user)?.dm : ui.view;
  return snap.conversations.find((c) => c.id === id);
}

// ── rendering ─────────────────────────────────────────────────────────────────────────────

function renderNav(snap) {
  const channels = snap.conversations.filter((c) => c.kind === 'channel');
  const dms = snap.conversations.filter((c) => c.kind === 'dm');
  const active = (user, view) => (ui.user === user && ui.view === view ? ' active' : '');
  const badge = (n) => (n > 0 ? `<span class="badge">${n}</span>` : '');
  const html = `
    <div class="nav-section">Channels</div>
    ${channels
      .map(
        (c) =>
          `<a href="#" class="nav-item${ui.view === c.id ? ' active' : ''}" data-nav-user="${escapeHtml(ui.user)}" data-nav-view="${escapeHtml(c.id)}"><span class="hash">#</span><span class="label">${escapeHtml(c.name)}</span>${c.botIsMember ? '' : ' <span class="muted">(bot not in)</span>'}${badge(c.count)}</a>`,
      )
      .join('')}
    <div class="nav-section">Direct messages with ai-roi</div>
    ${dms
      .map(
        (c) =>
          `<a href="#" class="nav-item${active(c.userId, 'dm')}" data-nav-user="${escapeHtml(c.userId)}" data-nav-view="dm"><span class="dot"></span><span class="label">${escapeHtml(c.name)}</span>${badge(c.count)}</a>`,
      )
      .join('')}
    <div class="nav-section">App Home</div>
    ${snap.users
      .map(
        (u) =>
          `<a href="#" class="nav-item${active(u.id, 'home')}" data-nav-user="${escapeHtml(u.id)}" data-nav-view="home"><span class="home-icon">⌂</span><span class="label">${escapeHtml(u.realName)}</span>${u.hasHome ? '' : ' <span class="muted">(not opened)</span>'}</a>`,
      )
      .join('')}`;
  if (html !== ui.rendered.nav) {
    $('nav').innerHTML = html;
    ui.rendered.nav = html;
  }
  const picker = $('acting-user');
  const options = snap.users
    .map(
      (u) =>
        `<option value="${escapeHtml(u.id)}">${escapeHtml(u.realName)}${u.isAdmin ? ' · admin' : ''}</option>`,
    )
    .join('');
  if (picker.dataset.options !== options) {
    picker.innerHTML = options;
    picker.dataset.options = options;
  }
  picker.value = ui.user;
}

function formatTime(iso) {
  const date = new Date(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function itemHtml(item, actingName) {
  const surface = item.surface ? ` data-surface="${escapeHtml(JSON.stringify(item.surface))}"` : '';
  const isCommand = item.kind === 'command';
  const avatar = isCommand
    ? `<div class="avatar avatar-user">${escapeHtml(actingName.slice(0, 1))}</div>`
    : '<div class="avatar">AI</div>';
  const author = isCommand
    ? `<span class="author">${escapeHtml(item.author)}</span>`
    : '<span class="author">ai-roi</span><span class="app-badge">APP</span>';
  const only = item.visibility === 'only-you' ? '<span class="only-you">Only visible to you</span>' : '';
  const edited = item.edited ? '<span class="muted">(edited)</span>' : '';
  const thread = item.thread ? '<span class="muted">in a thread</span>' : '';
  return `<article class="msg msg-${item.kind}${item.visibility === 'only-you' ? ' msg-private' : ''}"${surface} data-key="${escapeHtml(item.key)}">
      ${avatar}
      <div class="msg-main">
        <div class="msg-meta">${author}<time>${formatTime(item.at)}</time>${edited}${thread}${only}</div>
        <div class="msg-body">${item.html}</div>
      </div>
    </article>`;
}

function renderPane(snap) {
  const user = userById(ui.user);
  const name = user ? user.realName : ui.user;
  let title;
  let subtitle;
  let body;
  if (ui.view === 'home') {
    title = 'ai-roi · Home';
    subtitle = `The App Home tab as ${escapeHtml(name)} sees it. Opening it sends app_home_opened.`;
    body = snap.home
      ? `<div class="home" data-surface='{"kind":"home"}'>${snap.home.html}</div>`
      : '<div class="empty">Nothing published yet. The bot publishes the Home when it receives app_home_opened.</div>';
  } else {
    const conversation = currentConversation();
    if (!conversation) {
      title = 'Choose a conversation';
      subtitle = '';
      body = '<div class="empty">Pick a channel, a DM or an App Home on the left.</div>';
    } else {
      title =
        conversation.kind === 'dm'
          ? `${escapeHtml(conversation.name)} ↔ ai-roi`
          : `#${escapeHtml(conversation.name)}`;
      subtitle =
        conversation.kind === 'dm'
          ? `Direct messages between ai-roi and ${escapeHtml(conversation.name)}; acting as ${escapeHtml(name)}.`
          : `Channel · acting as ${escapeHtml(name)} (ephemeral answers shown are the ones only they can see).`;
      const items = snap.items[conversation.id] || [];
      body = items.length
        ? items.map((item) => itemHtml(item, name)).join('')
        : `<div class="empty">No messages yet. Try <code>/ai-roi help</code> below.</div>`;
    }
  }
  $('pane-title').innerHTML = title;
  $('pane-subtitle').innerHTML = subtitle;
  $('composer').hidden = ui.view === 'home' || !currentConversation();
  if (body === ui.rendered.pane) return;
  const pane = $('pane-body');
  const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 80 || !ui.rendered.pane;
  pane.innerHTML = body;
  ui.rendered.pane = body;
  localiseTimes(pane);
  if (atBottom && ui.view !== 'home') {
    pane.scrollTop = pane.scrollHeight;
    // Images (the digest chart) grow the pane after they load: stay at the latest message.
    for (const img of pane.querySelectorAll('img')) {
      img.addEventListener('load', () => {
        pane.scrollTop = pane.scrollHeight;
      });
    }
  }
}

function renderModal(snap) {
  const modal = snap.modals.at(-1);
  const key = modal ? JSON.stringify([modal.viewId, modal.html, modal.errors]) : '';
  if (key === ui.rendered.modal) return;
  ui.rendered.modal = key;
  const root = $('modal-root');
  if (!modal) {
    root.innerHTML = '';
    return;
  }
  const depth = snap.modals.length > 1 ? `<span class="muted">${snap.modals.length} stacked</span>` : '';
  root.innerHTML = `<div class="overlay">
      <div class="modal" role="dialog" aria-modal="true" aria-label="${escapeHtml(modal.title)}" data-surface="${escapeHtml(
        JSON.stringify({ kind: 'modal', viewId: modal.viewId }),
      )}" data-view-id="${escapeHtml(modal.viewId)}">
        <header><h2>${escapeHtml(modal.title)}</h2>${depth}<button type="button" class="close" data-modal-close aria-label="Close">×</button></header>
        <div class="modal-body">${modal.html}</div>
        <footer>
          <button type="button" class="bk-button" data-modal-close>${escapeHtml(modal.close)}</button>
          ${modal.submit ? `<button type="button" class="bk-button bk-primary" data-modal-submit>${escapeHtml(modal.submit)}</button>` : ''}
        </footer>
      </div>
    </div>`;
  for (const [blockId, message] of Object.entries(modal.errors || {})) {
    const slot = root.querySelector(`[data-error-for="${CSS.escape(blockId)}"]`);
    if (slot) slot.textContent = message;
  }
  localiseTimes(root);
}

function localiseTimes(root) {
  for (const el of root.querySelectorAll('time[data-unix]')) {
    el.textContent = new Date(Number(el.dataset.unix) * 1000).toLocaleString([], {
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
  }
}

async function refresh() {
  try {
    const snap = await api(`/sandbox/api/state?raw=0&user=${encodeURIComponent(ui.user)}`);
    ui.snapshot = snap;
    if (!ui.user || !snap.users.some((u) => u.id === ui.user)) {
      ui.user = snap.actingUser;
    }
    if (!ui.view) ui.view = 'dm';
    renderNav(snap);
    renderPane(snap);
    renderModal(snap);
    document.body.dataset.ready = 'true';
  } catch (error) {
    if (/Unknown user/.test(error.message) && ui.user) {
      // A person remembered from another run: start over as the first person of this workspace.
      ui.user = '';
      return refresh();
    }
    setStatus(`Cannot reach the app: ${error.message}`);
  }
}

// ── interactions ──────────────────────────────────────────────────────────────────────────

/** Values of every input in a modal, keyed by block index then action_id (the server types them). */
function collectInputs(container) {
  const inputs = {};
  for (const el of container.querySelectorAll('[data-input]')) {
    const bi = el.dataset.bi;
    const aid = el.dataset.aid;
    let entry;
    if (el.classList.contains('bk-radios')) {
      const checked = [...el.querySelectorAll('input:checked')].map((i) => i.value);
      entry = el.dataset.type === 'checkboxes' ? { values: checked } : { value: checked[0] ?? null };
    } else if (el.tagName === 'SELECT') {
      const option = el.selectedOptions[0];
      entry = el.value ? { value: el.value, label: option ? option.textContent : el.value } : { value: null };
    } else {
      entry = { value: el.value };
    }
    inputs[bi] = { ...(inputs[bi] || {}), [aid]: entry };
  }
  return inputs;
}

function confirmed(el) {
  if (!el.dataset.confirm) return true;
  const dialog = JSON.parse(el.dataset.confirm);
  return window.confirm(`${dialog.title}\n\n${dialog.text}\n\n[${dialog.confirm}] / [${dialog.deny}]`);
}

function followUrl(url) {
  if (!url) return;
  if (url.startsWith('slack://')) {
    if (/tab=home/.test(url)) select(ui.user, 'home');
    return;
  }
  window.open(url, '_blank', 'noopener');
}

async function sendAction(el, extra = {}) {
  const host = el.closest('[data-surface]');
  if (!host) return;
  const surface = JSON.parse(host.dataset.surface);
  const body = {
    user: ui.user,
    surface,
    blockIndex: Number(el.dataset.bi),
    actionId: el.dataset.aid,
    ...extra,
  };
  if (surface.kind === 'modal') body.inputs = collectInputs(host);
  await track('Sending block_actions…', () => api('/sandbox/api/action', body));
}

document.addEventListener('click', (event) => {
  const nav = event.target.closest('[data-nav-view]');
  if (nav) {
    event.preventDefault();
    select(nav.dataset.navUser, nav.dataset.navView);
    return;
  }
  const slackLink = event.target.closest('[data-slack-url]');
  if (slackLink) {
    event.preventDefault();
    followUrl(slackLink.dataset.slackUrl);
    return;
  }
  const close = event.target.closest('[data-modal-close]');
  if (close) {
    const modal = close.closest('[data-view-id]');
    track('Closing…', () => api('/sandbox/api/view-close', { user: ui.user, viewId: modal.dataset.viewId }));
    return;
  }
  const submit = event.target.closest('[data-modal-submit]');
  if (submit) {
    const modal = submit.closest('[data-view-id]');
    const inputs = collectInputs(modal);
    track('Submitting view…', async () => {
      const result = await api('/sandbox/api/view-submission', {
        user: ui.user,
        viewId: modal.dataset.viewId,
        inputs,
      });
      if (result.errors) {
        for (const [blockId, message] of Object.entries(result.errors)) {
          const slot = modal.querySelector(`[data-error-for="${CSS.escape(blockId)}"]`);
          if (slot) slot.textContent = message;
        }
      }
    });
    return;
  }
  const option = event.target.closest('.bk-overflow-option');
  if (option) {
    option.closest('details')?.removeAttribute('open');
    if (!confirmed(option)) return;
    followUrl(option.dataset.url);
    sendAction(option, { option: option.dataset.option });
    return;
  }
  const button = event.target.closest('button.bk-button[data-aid]');
  if (button) {
    if (!confirmed(button)) return;
    followUrl(button.dataset.url);
    sendAction(button);
  }
});

document.addEventListener('change', (event) => {
  const el = event.target.closest('select[data-select]');
  if (!el?.value) return;
  if (!confirmed(el)) {
    el.value = '';
    return;
  }
  sendAction(el, { option: el.value });
});

let searchTimer;
document.addEventListener('input', (event) => {
  const search = event.target.closest('input[data-search]');
  if (!search) return;
  clearTimeout(searchTimer);
  searchTimer = setTimeout(async () => {
    const wrapper = search.closest('.bk-external');
    const min = Number(wrapper.dataset.min || 3);
    if (search.value.trim().length < min) return;
    const modal = search.closest('[data-view-id]');
    const result = await track('Searching (block_suggestion)…', () =>
      api('/sandbox/api/options', {
        user: ui.user,
        viewId: modal.dataset.viewId,
        blockIndex: Number(search.dataset.bi),
        actionId: search.dataset.aid,
        query: search.value.trim(),
      }),
    );
    if (!result) return;
    const list = wrapper.querySelector('select');
    list.innerHTML =
      `<option value="">${result.options.length ? 'Choose one…' : 'No matches'}</option>` +
      result.options
        .map((o) => `<option value="${escapeHtml(o.value)}">${escapeHtml(o.label)}</option>`)
        .join('');
  }, 300);
});

$('acting-user').addEventListener('change', (event) => select(event.target.value, ui.view));

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('command');
  const text = input.value.trim();
  const conversation = currentConversation();
  if (!text || !conversation) return;
  input.value = '';
  track('Sending slash command…', () =>
    api('/sandbox/api/command', {
      user: ui.user,
      channel: conversation.id,
      text: text.replace(/^\/ai-roi\s*/, ''),
    }),
  );
});

refresh().then(() => {
  if (ui.view === 'home') select(ui.user, 'home');
});
setInterval(() => {
  if (!document.hidden) refresh();
}, POLL_MS);
