/* The demo's stand-in chat platform: lists chats and sends co-browsing invites. */
(function () {
  "use strict";

  var POLL_MS = 2000;
  var rows = {};
  var tbody = document.getElementById("chats");
  var empty = document.getElementById("no-chats");
  var status = document.getElementById("platform-status");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function formatTime(value) {
    var date = new Date(value);
    return isNaN(date.getTime()) ? String(value || "") : date.toLocaleTimeString();
  }

  function invite(chatId, agentInput, modeSelect, button, result) {
    var agentId = agentInput.value.trim();
    if (!agentId) {
      result.className = "result error";
      result.textContent = "Enter an agent id.";
      agentInput.focus();
      return;
    }
    button.disabled = true;
    result.className = "result";
    result.textContent = "Inviting\u2026";
    fetch("/demo-chat/api/chats/" + encodeURIComponent(chatId) + "/invite", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ agentId: agentId, mode: modeSelect.value })
    })
      .then(function (response) {
        return response.text().then(function (text) {
          var body = null;
          try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
          if (!response.ok) {
            var detail = body && (body.detail || body.title);
            throw new Error(detail || ("HTTP " + response.status));
          }
          return body;
        });
      })
      .then(function () {
        result.textContent = "Invite sent to the chat.";
      })
      .catch(function (error) {
        result.className = "result error";
        result.textContent = "Invite failed: " + error.message;
      })
      .then(function () { button.disabled = false; });
  }

  function addRow(chat) {
    var tr = el("tr", { "data-testid": "chat-row", "data-chat-id": chat.chatId });
    var idCell = el("td");
    idCell.appendChild(el("code", {}, chat.chatId));
    var seen = el("td", { "data-testid": "last-seen" });
    var agentCell = el("td");
    var agentInput = el("input", { type: "text", value: "agent1", "aria-label": "Agent id for " + chat.chatId, "data-testid": "agent-id", size: "10" });
    agentCell.appendChild(agentInput);
    var modeCell = el("td");
    var modeSelect = el("select", { "aria-label": "Mode for " + chat.chatId, "data-testid": "mode" });
    modeSelect.appendChild(el("option", { value: "VIEW_ONLY" }, "View only"));
    modeSelect.appendChild(el("option", { value: "SHARED" }, "Shared"));
    modeCell.appendChild(modeSelect);
    var actionCell = el("td");
    var button = el("button", { type: "button", "class": "button", "data-testid": "invite-button" }, "Invite to co-browse");
    actionCell.appendChild(button);
    var result = el("td", { "class": "result", role: "status", "data-testid": "invite-result" });
    button.addEventListener("click", function () { invite(chat.chatId, agentInput, modeSelect, button, result); });
    [idCell, seen, agentCell, modeCell, actionCell, result].forEach(function (cell) { tr.appendChild(cell); });
    tbody.appendChild(tr);
    rows[chat.chatId] = { seen: seen };
  }

  function refresh() {
    fetch("/demo-chat/api/chats", { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (chats) {
        status.textContent = "";
        (Array.isArray(chats) ? chats : []).forEach(function (chat) {
          if (!chat || typeof chat.chatId !== "string") { return; }
          if (!rows[chat.chatId]) { addRow(chat); }
          rows[chat.chatId].seen.textContent = formatTime(chat.lastSeen);
        });
        empty.hidden = Object.keys(rows).length > 0;
      })
      .catch(function (error) {
        status.textContent = "The demo server did not answer: " + error.message;
      });
  }

  refresh();
  setInterval(refresh, POLL_MS);
})();
