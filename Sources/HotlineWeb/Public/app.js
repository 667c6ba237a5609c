// Hotline: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  function debounce(fn, ms) { var t; return function () { var a = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, a); }, ms); }; }

  // Intake: show the fields of the chosen next step.
  function syncNext(form) {
    var chosen = form.querySelector('input[name="next"]:checked');
    form.querySelectorAll("[data-when]").forEach(function (el) {
      el.classList.toggle("on", chosen && el.getAttribute("data-when") === chosen.value);
    });
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector('input[name="next"]')) return;
    form.addEventListener("change", function () { syncNext(form); });
    syncNext(form);
  });

  // Enterprise fields only for a business requester.
  document.querySelectorAll("[data-toggle-enterprise]").forEach(function (select) {
    var form = select.form;
    function sync() { form.classList.toggle("is-enterprise", select.value === "enterprise"); }
    select.addEventListener("change", sync); sync();
  });

  // Ctrl+Enter submits the intake form.
  document.querySelectorAll("[data-submit-shortcut]").forEach(function (form) {
    form.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); if (form.reportValidity()) form.submit(); }
    });
  });

  // Filter a long <select> of units by typed text.
  document.querySelectorAll("[data-filter-select]").forEach(function (input) {
    var select = document.getElementById(input.getAttribute("data-filter-select"));
    if (!select) return;
    input.addEventListener("input", function () {
      var q = input.value.trim();
      Array.prototype.forEach.call(select.options, function (o) { o.hidden = q !== "" && o.text.indexOf(q) < 0 && !o.selected; });
    });
  });

  // Show the chosen category's full path.
  document.querySelectorAll("[data-category-picker]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var out = input.form.querySelector("[data-category-path]");
    function sync() {
      var found = list && Array.prototype.find.call(list.options, function (o) { return o.value === input.value; });
      if (out) out.textContent = found ? found.textContent : "";
    }
    input.addEventListener("input", sync); sync();
  });

  // The caller's earlier tickets, as the phone number is typed (server-rendered fragment, masked).
  document.querySelectorAll("[data-caller-lookup]").forEach(function (input) {
    var target = document.getElementById("caller-history");
    var url = input.getAttribute("data-caller-lookup");
    var load = debounce(function () {
      var digits = input.value.replace(/\D/g, "");
      if (digits.length < 7) return;
      fetch(url + "?phone=" + encodeURIComponent(input.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (html) target.innerHTML = html; });
    }, 350);
    input.addEventListener("input", load);
  });

  // Suggestions (categories, units, answers, emergencies, similar tickets) as the text is typed.
  document.querySelectorAll("[data-suggest]").forEach(function (area) {
    var target = document.getElementById("suggestions");
    if (!target) return;
    var url = area.getAttribute("data-suggest");
    var form = area.form;
    var load = debounce(function () {
      var text = area.value.trim();
      if (text.length < 4) return;
      var body = new URLSearchParams();
      body.set("content", text);
      var title = form.querySelector('[name="title"]');
      if (title) body.set("title", title.value);
      var addr = form.querySelector('[name="address"]');
      if (addr) body.set("address", addr.value);
      var csrf = form.querySelector('[name="_csrf"]');
      if (csrf) body.set("_csrf", csrf.value);
      fetch(url, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (html) target.innerHTML = html; });
    }, 400);
    area.addEventListener("input", load);
    target.addEventListener("click", function (e) {
      var el = e.target.closest("[data-fill]");
      if (!el) return;
      e.preventDefault();
      var field = form.querySelector('[name="' + el.getAttribute("data-fill") + '"]');
      if (field) { field.value = el.getAttribute("data-value"); field.dispatchEvent(new Event("input", { bubbles: true })); }
      var kb = form.querySelector('[name="kbEntryId"]');
      if (kb && el.getAttribute("data-kb")) kb.value = el.getAttribute("data-kb");
      if (el.getAttribute("data-next")) {
        var radio = form.querySelector('input[name="next"][value="' + el.getAttribute("data-next") + '"]');
        if (radio) { radio.checked = true; syncNext(form); }
      }
    });
  });

  // The screen-pop (来电弹屏): a call ringing at this agent fills the caller's number and call id into the intake
  // form and loads the caller's earlier tickets.
  var pop = document.getElementById("call-pop");
  if (pop && window.EventSource) {
    var stream = new EventSource(pop.getAttribute("data-call-stream"));
    var filled = {};
    stream.onmessage = function (message) {
      var call;
      try { call = JSON.parse(message.data); } catch (e) { return; }
      pop.hidden = false;
      pop.querySelector("[data-caller]").textContent = call.caller;
      pop.querySelector("[data-state]").textContent = pop.getAttribute(call.state === "ringing" ? "data-ringing" : "data-answered");
      var form = document.getElementById("intake");
      // Each call fills the form once: an agent's correction is not overwritten when the stream is reopened.
      if (!form || filled[call.callId]) return;
      filled[call.callId] = true;
      form.querySelector('[name="callId"]').value = call.callId;
      var channel = form.querySelector('[name="channel"]');
      if (channel) channel.value = "phone";
      var phone = form.querySelector('[name="phone"]');
      if (phone && phone.value !== call.caller) {
        phone.value = call.caller;
        phone.dispatchEvent(new Event("input", { bubbles: true }));
      }
    };
  }
})();
