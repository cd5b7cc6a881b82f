/*
 * Harbour Insurance demo glue: loads the Tandem tag and runs a tiny stand-in chat widget.
 * window.TANDEM_DEMO comes from /demo-config.js, served by the demo server:
 *   { siteId, endpoints: { invites, sessions, config, gateway }, tagUrl }
 */
(function () {
  "use strict";

  var POLL_MS = 1500;
  var CHAT_KEY = "harbour-demo.chat-id";
  var HANDLED_KEY = "harbour-demo.invites-handled";

  var demo = window.TANDEM_DEMO;
  var handle = null;
  var queuedInvites = [];
  var lastSeen = 0;
  var ui = null;

  function storageGet(store, key) {
    try { return store.getItem(key); } catch (e) { return null; }
  }
  function storageSet(store, key, value) {
    try { store.setItem(key, value); } catch (e) { /* private mode: the chat is just not kept */ }
  }

  function randomId() {
    var bytes = new Uint8Array(6);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var chatId = storageGet(localStorage, CHAT_KEY);
  if (!chatId) {
    chatId = "demo-chat-" + randomId();
    storageSet(localStorage, CHAT_KEY, chatId);
  }
  var chatBase = "/demo-chat/api/chats/" + encodeURIComponent(chatId);

  // ---- the tag ------------------------------------------------------------------------------

  function startTag() {
    if (!window.Tandem) {
      addSystemMessage("Co-browsing is not available right now (the Tandem tag did not load).");
      return;
    }
    handle = window.Tandem.start({ siteId: demo.siteId, endpoints: demo.endpoints });
    handle.on("session-started", function (detail) {
      addSystemMessage("Co-browsing started (session " + detail.code + ").");
    });
    handle.on("session-ended", function (detail) {
      addSystemMessage("Co-browsing ended (" + detail.reason + ").");
    });
    handle.on("help-requested", function () {
      addSystemMessage("You asked for co-browsing help. An agent will pick it up shortly.");
    });
    handle.on("help-accepted", function () {
      addSystemMessage("An agent picked up your request.");
    });
    handle.on("error", function (detail) {
      addSystemMessage("Co-browsing could not start: " + detail.message);
    });
    queuedInvites.splice(0).forEach(function (credential) { handle.receiveInvite(credential); });
  }

  function loadTag() {
    if (!demo || !demo.tagUrl) {
      addSystemMessage("Co-browsing is not configured (no /demo-config.js).");
      return;
    }
    var script = document.createElement("script");
    script.src = demo.tagUrl;
    script.async = true;
    script.onload = startTag;
    script.onerror = function () { addSystemMessage("Co-browsing is not available right now."); };
    document.head.appendChild(script);
  }

  function handleInvite(message) {
    var handled = Number(storageGet(localStorage, HANDLED_KEY + "." + chatId) || "0");
    if (message.n <= handled) {
      return; // Seen on an earlier page: an invite is answered once.
    }
    storageSet(localStorage, HANDLED_KEY + "." + chatId, String(message.n));
    if (handle) {
      handle.receiveInvite(message.invite.credential);
    } else {
      queuedInvites.push(message.invite.credential);
    }
  }

  // ---- the chat widget ----------------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function buildWidget() {
    var root = el("section", { "class": "chat", "aria-label": "Chat with Harbour" });
    var toggle = el("button", { "class": "button chat-toggle", type: "button", "aria-expanded": "false", "data-testid": "chat-toggle" }, "Chat with us");
    var panel = el("div", { "class": "chat-panel", id: "chat-panel", "data-testid": "chat-panel" });
    panel.hidden = true;
    var head = el("div", { "class": "chat-head" });
    head.appendChild(el("h2", {}, "Harbour chat"));
    var close = el("button", { type: "button", "aria-label": "Close chat" }, "\u00d7");
    head.appendChild(close);
    var idLine = el("div", { "class": "chat-id" }, "Chat id: ");
    idLine.appendChild(el("code", { "data-testid": "chat-id" }, chatId));
    var log = el("ul", { "class": "chat-log", role: "log", "aria-live": "polite", "data-testid": "chat-log" });
    var form = el("form", { "class": "chat-form" });
    var input = el("input", { type: "text", "aria-label": "Your message", placeholder: "Type a message", autocomplete: "off", "data-testid": "chat-input" });
    var send = el("button", { type: "submit", "data-testid": "chat-send" }, "Send");
    form.appendChild(input);
    form.appendChild(send);
    // The visitor asks for help: the chat platform (here the demo server) hands the widget the chat's
    // credential, and the widget gives it to the tag.
    var askHelp = el("button", { type: "button", "class": "ask-help", "data-testid": "ask-help" }, "Ask for co-browsing help");
    askHelp.addEventListener("click", function () {
      if (!handle) {
        addSystemMessage("Co-browsing is not available right now.");
        return;
      }
      fetch(chatBase + "/chat-credential", { method: "POST", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (issued) { handle.requestHelp(issued.credential); })
        .catch(function () { addSystemMessage("Help cannot be asked for right now."); });
    });
    panel.appendChild(head);
    panel.appendChild(idLine);
    panel.appendChild(log);
    panel.appendChild(form);
    panel.appendChild(askHelp);
    root.appendChild(panel);
    root.appendChild(toggle);
    document.body.appendChild(root);

    function setOpen(open) {
      panel.hidden = !open;
      toggle.hidden = open;
      toggle.setAttribute("aria-expanded", String(open));
      storageSet(sessionStorage, "harbour-demo.chat-open", open ? "1" : "");
      if (open) { input.focus(); } else { toggle.focus(); }
    }
    toggle.addEventListener("click", function () { setOpen(true); });
    close.addEventListener("click", function () { setOpen(false); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) { return; }
      input.value = "";
      fetch(chatBase + "/messages", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ from: "visitor", text: text })
      }).then(poll).catch(function () { addSystemMessage("Your message could not be sent."); });
    });
    if (storageGet(sessionStorage, "harbour-demo.chat-open") === "1") {
      panel.hidden = false;
      toggle.hidden = true;
      toggle.setAttribute("aria-expanded", "true");
    }
    return { log: log, open: function () { if (panel.hidden) { setOpen(true); } } };
  }

  function addMessage(from, text) {
    if (!ui) { return; }
    var item = el("li", { "class": "from-" + from, "data-from": from }, text);
    ui.log.appendChild(item);
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function addSystemMessage(text) {
    addMessage("system", text);
  }

  var polling = false;
  function poll() {
    if (polling) { return Promise.resolve(); }
    polling = true;
    return fetch(chatBase + "/messages?after=" + lastSeen, { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (messages) {
        (Array.isArray(messages) ? messages : []).forEach(function (message) {
          if (typeof message.n !== "number" || message.n <= lastSeen) { return; }
          lastSeen = message.n;
          addMessage(message.from === "visitor" || message.from === "agent" ? message.from : "system", String(message.text || ""));
          if (message.invite && typeof message.invite.credential === "string") {
            ui.open();
            handleInvite(message);
          }
        });
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { polling = false; });
  }

  function start() {
    ui = buildWidget();
    loadTag();
    poll();
    setInterval(poll, POLL_MS);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
