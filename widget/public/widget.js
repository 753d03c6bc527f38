/*
 * 借呗助手 chat widget: an embeddable chat window for the Rasa socket.io channel.
 *
 * Embed with one tag (see widget/README.md):
 *   <script src="http://localhost:8080/widget.js" data-server="http://localhost:5005"
 *           data-title="借呗助手" data-color="#1677ff"></script>
 * In production add data-token="<JWT naming the customer>" (README, "Security").
 *
 * Safety: every message is built with DOM nodes and textContent; nothing is
 * ever assigned to innerHTML. The markdown subset (**bold**, line breaks,
 * links) is parsed into nodes, and links are kept only for http/https URLs.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || window.JiebeiChatWidget) {
    return;
  }

  // User-facing strings of the widget chrome. Bot replies come from the server.
  var STRINGS = {
    openLabel: '打开借呗助手对话',
    closeLabel: '关闭对话窗口',
    newConversation: '新对话',
    newConversationLabel: '开始新对话（清除当前对话记录）',
    inputLabel: '输入您的问题',
    placeholder: '请输入您的问题…',
    send: '发送',
    logLabel: '对话记录',
    quickRepliesLabel: '快捷回复',
    userSays: '您说：',
    botSays: '助手说：',
    typing: '助手正在输入…',
    pending: '等待发送',
    connecting: '正在连接服务器…',
    unreachable: '暂时无法连接服务器，正在重试…',
    disconnected: '连接已断开，正在重连…',
    reconnected: '已重新连接',
    queuedHint: '消息将在恢复连接后发送',
    imageAlt: '图片',
    loadFailed: '聊天组件加载失败，请稍后刷新页面重试。'
  };

  var DEFAULT_COLOR = '#1677ff';
  var DEFAULT_BOT_COLOR = '#f2f3f5';
  var MAX_HISTORY = 200;
  var MAX_INPUT = 1000;
  var TYPING_TIMEOUT_MS = 30000;

  var config = readConfig(script);
  var storage = makeStorage('jiebei-widget:' + config.server);

  var state = {
    sessionId: storage.get('session') || '',
    history: loadHistory(),
    socket: null,
    ready: false, // connected and session confirmed
    connectStarted: false,
    everConnected: false,
    dropped: false, // the connection failed or dropped since the last confirm
    greetSent: false, // the silent greeting was sent for this session
    opened: false,
    typingTimer: null,
    noticeTimer: null
  };

  var ui = buildUi();
  renderHistory();
  if (config.open) {
    openPanel(false);
  }

  window.JiebeiChatWidget = {
    version: '0.1.0',
    open: function () { openPanel(true); },
    close: function () { closePanel(true); },
    newConversation: newConversation
  };

  // ---------------------------------------------------------------- config

  function readConfig(el) {
    var data = el.dataset;
    var base = new URL('.', el.src || window.location.href);
    return {
      server: (data.server || 'http://localhost:5005').replace(/\/+$/, ''),
      socketPath: data.socketPath || '/socket.io',
      title: data.title || '借呗助手',
      color: safeColor(data.color, DEFAULT_COLOR),
      botColor: safeColor(data.botColor, DEFAULT_BOT_COLOR),
      greeting: data.greeting === undefined ? '/greet' : data.greeting,
      open: data.open === 'true',
      // A signed token naming the customer, rendered by the host page
      // (production: the server refuses connections without one).
      token: data.token || '',
      clientUrl: data.socketioSrc || new URL('vendor/socket.io.esm.min.js', base).href
    };
  }

  function safeColor(value, fallback) {
    if (value && window.CSS && CSS.supports && CSS.supports('color', value)) {
      return value;
    }
    return fallback;
  }

  // --------------------------------------------------------------- storage

  function makeStorage(prefix) {
    var memory = {};
    var store = null;
    try {
      store = window.localStorage;
      store.setItem(prefix + ':probe', '1');
      store.removeItem(prefix + ':probe');
    } catch (err) {
      store = null; // storage disabled: keep the conversation in memory only
    }
    return {
      get: function (key) {
        var k = prefix + ':' + key;
        return store ? store.getItem(k) : (memory[k] === undefined ? null : memory[k]);
      },
      set: function (key, value) {
        var k = prefix + ':' + key;
        try {
          if (store) { store.setItem(k, value); } else { memory[k] = value; }
        } catch (err) {
          memory[k] = value; // quota exceeded: fall back silently
        }
      },
      remove: function (key) {
        var k = prefix + ':' + key;
        if (store) { store.removeItem(k); }
        delete memory[k];
      }
    };
  }

  function loadHistory() {
    try {
      var parsed = JSON.parse(storage.get('history') || '[]');
      return Array.isArray(parsed) ? parsed.filter(isValidEntry) : [];
    } catch (err) {
      return [];
    }
  }

  function isValidEntry(entry) {
    return entry && (entry.from === 'user' || entry.from === 'bot') &&
      typeof entry.text === 'string' && typeof entry.id === 'string';
  }

  function saveHistory() {
    if (state.history.length > MAX_HISTORY) {
      state.history = state.history.slice(state.history.length - MAX_HISTORY);
    }
    storage.set('history', JSON.stringify(state.history));
  }

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b < 16 ? '0' : '') + b.toString(16);
    }).join('');
  }

  // -------------------------------------------------------------------- UI

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        node.setAttribute(name, attrs[name]);
      });
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function buildUi() {
    var host = el('div', { id: 'jiebei-chat-widget' });
    var root = host.attachShadow({ mode: 'open' });
    var style = el('style');
    style.textContent = css();
    root.appendChild(style);

    var wrapper = el('div', { 'class': 'jw' });
    wrapper.style.setProperty('--jw-color', config.color);
    wrapper.style.setProperty('--jw-bot-color', config.botColor);

    var launcher = el('button', {
      type: 'button', 'class': 'jw-launcher', 'aria-label': STRINGS.openLabel,
      'aria-expanded': 'false', 'aria-controls': 'jw-panel'
    });
    launcher.appendChild(chatIcon());

    var panel = el('section', {
      id: 'jw-panel', 'class': 'jw-panel', role: 'dialog', 'aria-modal': 'false',
      'aria-labelledby': 'jw-title'
    });
    panel.hidden = true;

    var header = el('header', { 'class': 'jw-header' });
    var title = el('h2', { id: 'jw-title', 'class': 'jw-title' }, config.title);
    var dot = el('span', { 'class': 'jw-dot', 'aria-hidden': 'true' });
    var reset = el('button', {
      type: 'button', 'class': 'jw-reset', 'aria-label': STRINGS.newConversationLabel
    }, STRINGS.newConversation);
    var close = el('button', {
      type: 'button', 'class': 'jw-close', 'aria-label': STRINGS.closeLabel
    }, '×');
    header.appendChild(dot);
    header.appendChild(title);
    header.appendChild(reset);
    header.appendChild(close);

    var notice = el('div', { 'class': 'jw-notice', role: 'status', 'aria-live': 'polite' });
    notice.hidden = true;

    var log = el('div', {
      'class': 'jw-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
      'aria-label': STRINGS.logLabel, tabindex: '0'
    });

    var typing = el('div', { 'class': 'jw-typing', role: 'status' });
    typing.appendChild(el('span', { 'class': 'jw-sr' }, STRINGS.typing));
    for (var i = 0; i < 3; i += 1) {
      typing.appendChild(el('span', { 'class': 'jw-typing-dot', 'aria-hidden': 'true' }));
    }
    typing.hidden = true;

    var form = el('form', { 'class': 'jw-form' });
    var label = el('label', { 'for': 'jw-input', 'class': 'jw-sr' }, STRINGS.inputLabel);
    var input = el('textarea', {
      id: 'jw-input', 'class': 'jw-input', rows: '1', maxlength: String(MAX_INPUT),
      placeholder: STRINGS.placeholder, autocomplete: 'off'
    });
    var send = el('button', { type: 'submit', 'class': 'jw-send' }, STRINGS.send);
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);

    panel.appendChild(header);
    panel.appendChild(notice);
    panel.appendChild(log);
    panel.appendChild(typing);
    panel.appendChild(form);
    wrapper.appendChild(panel);
    wrapper.appendChild(launcher);
    root.appendChild(wrapper);
    document.body.appendChild(host);

    launcher.addEventListener('click', function () {
      if (panel.hidden) { openPanel(true); } else { closePanel(true); }
    });
    close.addEventListener('click', function () { closePanel(true); });
    reset.addEventListener('click', newConversation);
    panel.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        event.preventDefault();
        closePanel(true);
      }
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      submitInput();
    });
    input.addEventListener('input', function () { fitInput(input); });
    input.addEventListener('keydown', function (event) {
      // Enter sends, Shift+Enter breaks the line; never while an IME is composing.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        submitInput();
      }
    });

    return {
      launcher: launcher, panel: panel, notice: notice, log: log,
      typing: typing, input: input
    };
  }

  function fitInput(input) {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 120) + 'px'; // + top and bottom border
  }

  function chatIcon() {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
    svg.appendChild(path);
    return svg;
  }

  function openPanel(moveFocus) {
    ui.panel.hidden = false;
    ui.launcher.setAttribute('aria-expanded', 'true');
    ui.launcher.classList.add('jw-launcher--open');
    scrollToEnd();
    if (moveFocus) {
      ui.input.focus();
    }
    if (!state.opened) {
      state.opened = true;
      if (!state.sessionId) {
        startSession();
      }
      connect();
    }
  }

  function closePanel(moveFocus) {
    ui.panel.hidden = true;
    ui.launcher.setAttribute('aria-expanded', 'false');
    ui.launcher.classList.remove('jw-launcher--open');
    if (moveFocus) {
      ui.launcher.focus();
    }
  }

  function setNotice(text, tone, clearAfterMs) {
    window.clearTimeout(state.noticeTimer);
    ui.notice.textContent = text || '';
    ui.notice.hidden = !text;
    ui.notice.className = 'jw-notice' + (tone ? ' jw-notice--' + tone : '');
    ui.panel.classList.toggle('jw-offline', tone === 'error');
    if (text && clearAfterMs) {
      state.noticeTimer = window.setTimeout(function () { setNotice(''); }, clearAfterMs);
    }
  }

  function showTyping(on) {
    window.clearTimeout(state.typingTimer);
    ui.typing.hidden = !on;
    if (on) {
      state.typingTimer = window.setTimeout(function () { showTyping(false); }, TYPING_TIMEOUT_MS);
      scrollToEnd();
    }
  }

  function scrollToEnd() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  // ------------------------------------------------------------- rendering

  function renderHistory() {
    ui.log.textContent = '';
    var last = state.history.length - 1;
    state.history.forEach(function (entry, index) {
      appendEntry(entry, index === last);
    });
    scrollToEnd();
  }

  function appendEntry(entry, withQuickReplies) {
    var row = el('div', { 'class': 'jw-msg jw-msg--' + entry.from, 'data-id': entry.id });
    row.appendChild(el('span', { 'class': 'jw-sr' }, entry.from === 'user' ? STRINGS.userSays : STRINGS.botSays));
    var bubble = el('div', { 'class': 'jw-bubble' });
    if (entry.from === 'bot') {
      renderRichText(bubble, entry.text);
      if (entry.image) {
        var src = safeUrl(entry.image);
        if (src) {
          bubble.appendChild(el('img', { 'class': 'jw-image', src: src, alt: STRINGS.imageAlt }));
        }
      }
    } else {
      bubble.textContent = entry.text;
    }
    row.appendChild(bubble);
    if (entry.pending) {
      row.classList.add('jw-msg--pending');
      row.appendChild(el('span', { 'class': 'jw-pending', title: STRINGS.queuedHint }, STRINGS.pending));
    }
    ui.log.appendChild(row);
    if (withQuickReplies && entry.from === 'bot' && entry.buttons && entry.buttons.length) {
      ui.log.appendChild(quickReplies(entry.buttons));
    }
    scrollToEnd();
    return row;
  }

  function quickReplies(buttons) {
    var group = el('div', { 'class': 'jw-quick', role: 'group', 'aria-label': STRINGS.quickRepliesLabel });
    buttons.forEach(function (button) {
      var node = el('button', { type: 'button', 'class': 'jw-quick-btn' }, button.title);
      node.addEventListener('click', function () {
        sendUserMessage(button.payload, button.title);
        ui.input.focus();
      });
      group.appendChild(node);
    });
    return group;
  }

  function removeQuickReplies() {
    var groups = ui.log.querySelectorAll('.jw-quick');
    Array.prototype.forEach.call(groups, function (group) { group.remove(); });
  }

  /**
   * Renders the markdown subset into `parent` as DOM nodes: **bold**, line
   * breaks, [text](url) and bare http(s) URLs. Text never becomes markup.
   */
  function renderRichText(parent, text) {
    String(text).split(/\r\n|\r|\n/).forEach(function (line, index) {
      if (index > 0) {
        parent.appendChild(el('br'));
      }
      appendInline(parent, line);
    });
  }

  // Bold is `**text**` where neither pair of asterisks is part of a longer
  // run, so a masked number stays as it is: "138****4321" is plain text and
  // "**138****4321**" is bold "138****4321".
  function appendInline(parent, line) {
    var pattern = /(?<!\*)\*\*(?!\*)([^\n]+?)(?<!\*)\*\*(?!\*)|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>"'()（）\u3000-\u303f\uff01-\uff0f\uff1a-\uff1f]+)/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(line)) !== null) {
      if (match.index > last) {
        parent.appendChild(document.createTextNode(line.slice(last, match.index)));
      }
      if (match[1] !== undefined) {
        parent.appendChild(el('strong', null, match[1]));
      } else if (match[2] !== undefined) {
        var href = safeUrl(match[3]);
        parent.appendChild(href ? link(match[2], href) : document.createTextNode(match[0]));
      } else {
        var bare = safeUrl(match[4]);
        parent.appendChild(bare ? link(match[4], bare) : document.createTextNode(match[4]));
      }
      last = pattern.lastIndex;
    }
    if (last < line.length) {
      parent.appendChild(document.createTextNode(line.slice(last)));
    }
  }

  function link(text, href) {
    return el('a', { href: href, target: '_blank', rel: 'noopener noreferrer' }, text);
  }

  function safeUrl(raw) {
    try {
      var url = new URL(String(raw));
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (err) {
      return null;
    }
  }

  // -------------------------------------------------------------- messages

  function submitInput() {
    var text = ui.input.value.trim();
    if (!text) {
      return;
    }
    ui.input.value = '';
    fitInput(ui.input);
    sendUserMessage(text.slice(0, MAX_INPUT), text.slice(0, MAX_INPUT));
  }

  /** Shows the user's bubble, then sends now or queues it until reconnected. */
  function sendUserMessage(payload, shownText) {
    removeQuickReplies();
    var entry = { id: newId(), from: 'user', text: String(shownText), payload: String(payload), pending: true };
    state.history.push(entry);
    saveHistory();
    appendEntry(entry, false);
    flushQueue();
  }

  function flushQueue() {
    if (!state.ready) {
      return;
    }
    var sent = false;
    state.history.forEach(function (entry) {
      if (entry.from === 'user' && entry.pending) {
        state.socket.emit('user_uttered', { message: entry.payload, session_id: state.sessionId });
        entry.pending = false;
        delete entry.payload;
        markSent(entry.id);
        sent = true;
      }
    });
    if (sent) {
      saveHistory();
      showTyping(true);
    }
  }

  function markSent(id) {
    var rows = ui.log.querySelectorAll('.jw-msg--pending');
    Array.prototype.forEach.call(rows, function (row) {
      if (row.getAttribute('data-id') === id) {
        row.classList.remove('jw-msg--pending');
        var tag = row.querySelector('.jw-pending');
        if (tag) { tag.remove(); }
      }
    });
  }

  function receiveBotMessage(data) {
    if (!data || typeof data !== 'object') {
      return;
    }
    var text = typeof data.text === 'string' ? data.text : '';
    var image = data.attachment && data.attachment.payload && data.attachment.payload.src;
    var buttons = normaliseButtons(data.quick_replies || data.buttons);
    if (!text && !image && !buttons.length) {
      return;
    }
    showTyping(false);
    removeQuickReplies();
    var entry = { id: newId(), from: 'bot', text: text };
    if (buttons.length) { entry.buttons = buttons; }
    if (typeof image === 'string') { entry.image = image; }
    state.history.push(entry);
    saveHistory();
    appendEntry(entry, true);
  }

  function normaliseButtons(raw) {
    if (!Array.isArray(raw)) {
      return [];
    }
    return raw.filter(function (b) {
      return b && typeof b.title === 'string' && typeof b.payload === 'string' && b.title;
    }).map(function (b) {
      return { title: b.title, payload: b.payload };
    });
  }

  function startSession() {
    state.sessionId = newId();
    storage.set('session', state.sessionId);
    state.greetSent = false;
  }

  function newConversation() {
    state.history = [];
    storage.remove('history');
    showTyping(false);
    renderHistory();
    startSession();
    if (state.socket) {
      // A fresh socket leaves the old session's room on the server.
      state.ready = false;
      state.socket.disconnect();
      state.socket.connect();
    }
    ui.input.focus();
  }

  // ------------------------------------------------------------ connection

  function connect() {
    if (state.connectStarted) {
      return;
    }
    state.connectStarted = true;
    setNotice(STRINGS.connecting, 'info');
    import(config.clientUrl).then(function (module) {
      var socket = module.io(config.server, {
        path: config.socketPath,
        reconnection: true,
        reconnectionAttempts: Infinity,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 5000,
        timeout: 10000,
        auth: config.token ? { token: config.token } : {}
      });
      state.socket = socket;
      socket.on('connect', function () {
        socket.emit('session_request', { session_id: state.sessionId });
      });
      socket.on('session_confirm', function () {
        var recovered = state.everConnected && state.dropped;
        state.ready = true;
        state.everConnected = true;
        state.dropped = false;
        setNotice(recovered ? STRINGS.reconnected : '', 'ok', 3000);
        if (config.greeting && !state.greetSent && state.history.length === 0) {
          state.greetSent = true;
          socket.emit('user_uttered', { message: config.greeting, session_id: state.sessionId });
          showTyping(true);
        }
        flushQueue();
      });
      socket.on('bot_uttered', receiveBotMessage);
      socket.on('disconnect', function (reason) {
        state.ready = false;
        showTyping(false);
        if (reason !== 'io client disconnect') {
          state.dropped = true;
          setNotice(STRINGS.disconnected, 'error');
        }
      });
      socket.on('connect_error', function () {
        state.ready = false;
        state.dropped = true;
        setNotice(state.everConnected ? STRINGS.disconnected : STRINGS.unreachable, 'error');
      });
    }).catch(function () {
      setNotice(STRINGS.loadFailed, 'error');
    });
  }

  // ------------------------------------------------------------------- CSS

  function css() {
    return [
      ':host { all: initial; }',
      '.jw { --jw-color: ' + DEFAULT_COLOR + '; font-family: -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif;',
      '  font-size: 15px; line-height: 1.5; color: #1f2329; }',
      '[hidden] { display: none !important; }',
      '.jw-sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }',
      '.jw-launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; width: 56px; height: 56px; border: 0; border-radius: 50%;',
      '  background: var(--jw-color); color: #fff; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); display: flex; align-items: center; justify-content: center; }',
      '.jw-launcher svg { width: 28px; height: 28px; fill: currentColor; }',
      '.jw-launcher:focus-visible, .jw button:focus-visible, .jw-input:focus-visible, .jw-log:focus-visible { outline: 3px solid #ffb020; outline-offset: 2px; }',
      '.jw-panel { position: fixed; right: 20px; bottom: 88px; z-index: 2147483000; width: 370px; height: 560px; max-height: calc(100vh - 110px);',
      '  display: flex; flex-direction: column; background: #fff; border-radius: 12px; overflow: hidden; box-shadow: 0 8px 30px rgba(0,0,0,.2); }',
      '.jw-header { display: flex; align-items: center; gap: 8px; padding: 10px 12px; background: var(--jw-color); color: #fff; }',
      '.jw-title { flex: 1; margin: 0; font-size: 16px; font-weight: 600; }',
      '.jw-dot { width: 8px; height: 8px; border-radius: 50%; background: #52c41a; }',
      '.jw-offline .jw-dot { background: #bfbfbf; }',
      '.jw-reset, .jw-close { border: 1px solid rgba(255,255,255,.7); background: transparent; color: #fff; border-radius: 6px; cursor: pointer; font: inherit; font-size: 13px; padding: 2px 8px; }',
      '.jw-close { border: 0; font-size: 22px; line-height: 1; padding: 0 6px; }',
      '.jw-notice { padding: 6px 12px; font-size: 13px; background: #e6f4ff; color: #0958d9; }',
      '.jw-notice--error { background: #fff2e8; color: #ad4e00; }',
      '.jw-notice--ok { background: #f6ffed; color: #237804; }',
      '.jw-log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; background: #fafafa; }',
      '.jw-msg { display: flex; flex-direction: column; max-width: 85%; }',
      '.jw-msg--user { align-self: flex-end; align-items: flex-end; }',
      '.jw-msg--bot { align-self: flex-start; align-items: flex-start; }',
      '.jw-bubble { padding: 8px 12px; border-radius: 12px; word-break: break-word; overflow-wrap: anywhere; }',
      '.jw-msg--user .jw-bubble { background: var(--jw-color); color: #fff; border-bottom-right-radius: 4px; white-space: pre-wrap; }',
      '.jw-msg--bot .jw-bubble { background: var(--jw-bot-color); color: #1f2329; border-bottom-left-radius: 4px; }',
      '.jw-msg--bot a { color: #0958d9; }',
      '.jw-msg--pending .jw-bubble { opacity: .6; }',
      '.jw-pending { font-size: 12px; color: #8c8c8c; margin-top: 2px; }',
      '.jw-image { display: block; max-width: 100%; margin-top: 6px; border-radius: 8px; }',
      '.jw-quick { display: flex; flex-wrap: wrap; gap: 6px; }',
      '.jw-quick-btn { border: 1px solid var(--jw-color); color: var(--jw-color); background: #fff; border-radius: 16px; padding: 4px 12px; font: inherit; font-size: 14px; cursor: pointer; }',
      '.jw-quick-btn:hover { background: var(--jw-color); color: #fff; }',
      '.jw-typing { display: flex; gap: 4px; padding: 4px 16px 8px; background: #fafafa; }',
      '.jw-typing-dot { width: 7px; height: 7px; border-radius: 50%; background: #8c8c8c; animation: jw-blink 1.2s infinite ease-in-out; }',
      '.jw-typing-dot:nth-child(3) { animation-delay: .2s; } .jw-typing-dot:nth-child(4) { animation-delay: .4s; }',
      '@keyframes jw-blink { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }',
      '@media (prefers-reduced-motion: reduce) { .jw-typing-dot { animation: none; opacity: .7; } }',
      '.jw-form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #f0f0f0; background: #fff; }',
      '.jw-input { flex: 1; box-sizing: border-box; resize: none; border: 1px solid #d9d9d9; border-radius: 8px; padding: 8px 10px; font: inherit; font-size: 16px; height: 42px; max-height: 120px; }',
      '.jw-send { border: 0; border-radius: 8px; background: var(--jw-color); color: #fff; padding: 0 16px; font: inherit; cursor: pointer; }',
      '@media (max-width: 480px) {',
      '  .jw-panel { inset: 0; right: 0; bottom: 0; width: 100%; height: 100%; max-height: none; border-radius: 0; }',
      '  .jw-launcher--open { display: none; }',
      '}'
    ].join('\n');
  }
}());
