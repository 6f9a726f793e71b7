// Add Incident: type-ahead pickers, the "spoken to a DSL" choice, drafts saved as you type,
// and a submit button that can't be pressed twice. The add action form uses the same
// type-ahead for alerting people (it has no drafts). Both forms work without this file.
(function () {
  "use strict";

  var form = document.getElementById("incident-form") || document.getElementById("action-form");
  if (!form) {
    return;
  }
  var csrfInput = form.querySelector("[name=csrfmiddlewaretoken]");
  var csrfToken = csrfInput ? csrfInput.value : "";
  var submitting = false;

  function announce(region, message) {
    if (!region) {
      return;
    }
    // Clearing first makes screen readers repeat a message that hasn't changed.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  function tellRecipientsPreview() {
    document.body.dispatchEvent(new Event("recipients-changed", { bubbles: true }));
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken },
    });
  }

  // Chosen rows (linked pupils, people to alert) -------------------------------------------

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function rowName(label, detail, archived) {
    var name = element("span", { class: "chosen-row__name" }, label + " ");
    name.appendChild(element("span", { class: "muted" }, detail));
    if (archived) {
      name.appendChild(document.createTextNode(" "));
      name.appendChild(element("span", { class: "badge badge--warn" }, "Archived"));
    }
    return name;
  }

  function removeButton(label) {
    var button = element("button", { type: "button", class: "button--secondary", "data-remove-row": "" }, "Remove");
    button.appendChild(element("span", { class: "visually-hidden" }, " " + label));
    return button;
  }

  function addLinkRow(list, option) {
    var id = option.dataset.value;
    var label = option.dataset.label;
    var firstName = label.split(" ")[0];
    var row = element("li", { class: "chosen-row", "data-row": "" });
    row.appendChild(element("input", { type: "hidden", name: "link_pupil", value: id }));
    row.appendChild(rowName(label, option.dataset.detail, option.dataset.archived === "true"));
    var role = element("span", { class: "chosen-row__role" });
    role.appendChild(element("label", { for: "link-role-" + id }, "How " + firstName + " is involved"));
    var select = element("select", { name: "link_role_" + id, id: "link-role-" + id });
    var options = document.getElementById("link-role-options");
    if (options) {
      select.appendChild(options.content.cloneNode(true));
    }
    role.appendChild(select);
    row.appendChild(role);
    row.appendChild(removeButton(firstName));
    list.appendChild(row);
    return label + " linked.";
  }

  function addPersonRow(list, option) {
    var row = element("li", { class: "chosen-row", "data-row": "" });
    row.appendChild(element("input", { type: "hidden", name: "people", value: option.dataset.value }));
    row.appendChild(rowName(option.dataset.label, option.dataset.detail, false));
    row.appendChild(removeButton(option.dataset.label));
    list.appendChild(row);
    tellRecipientsPreview();
    return option.dataset.label + " will be alerted.";
  }

  function chosenIds(kind) {
    var ids = {};
    var selector = kind === "people" ? "[name=people]" : "[name=link_pupil], [name=pupil]";
    form.querySelectorAll(selector).forEach(function (input) {
      if (input.value) {
        ids[input.value] = true;
      }
    });
    return ids;
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-row]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var row = button.closest("[data-row]");
    var list = row.parentElement;
    var kind = list.getAttribute("data-rows");
    row.remove();
    var input = document.getElementById(kind === "people" ? "people-search" : "link-search");
    if (input) {
      input.focus();
    }
    if (kind === "people") {
      tellRecipientsPreview();
    }
    scheduleDraft();
  });

  // Comboboxes (WAI-ARIA 1.2 combobox with a listbox popup) ------------------------------

  function Combobox(root) {
    this.root = root;
    this.kind = root.getAttribute("data-combobox");
    this.url = root.getAttribute("data-search-url");
    this.input = root.querySelector("[role=combobox]");
    this.listbox = document.getElementById(this.input.getAttribute("aria-controls"));
    this.status = root.querySelector("[data-combobox-status]");
    this.active = -1;
    this.timer = null;
    this.request = 0;
    var button = root.querySelector("[data-search-button]");
    if (button) {
      button.hidden = true;
    }
    this.input.addEventListener("input", this.onInput.bind(this));
    this.input.addEventListener("keydown", this.onKeydown.bind(this));
    this.input.addEventListener("blur", this.onBlur.bind(this));
    this.listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.listbox.addEventListener("click", this.onClick.bind(this));
  }

  Combobox.prototype.options = function () {
    return Array.prototype.slice.call(this.listbox.querySelectorAll("[role=option]"));
  };

  Combobox.prototype.isOpen = function () {
    return !this.listbox.hidden;
  };

  Combobox.prototype.open = function () {
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Combobox.prototype.close = function () {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  Combobox.prototype.onInput = function () {
    if (this.kind === "pupil") {
      // Typing again un-chooses the pupil, so a stale choice is never submitted.
      var hidden = this.root.querySelector("[data-chosen-id]");
      var chosen = this.root.querySelector("[data-chosen]");
      if (hidden && hidden.value) {
        hidden.value = "";
        chosen.textContent = "No pupil chosen yet.";
      }
    }
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(this.search.bind(this), 250);
  };

  Combobox.prototype.search = function () {
    var term = this.input.value.trim();
    var self = this;
    if (term.length < 2) {
      this.listbox.innerHTML = "";
      this.close();
      return;
    }
    var body = new FormData();
    body.append("term", term);
    // Fields the suggestions depend on, e.g. whether a lead's action is shared.
    var include = this.root.getAttribute("data-search-include");
    if (include) {
      form.querySelectorAll(include).forEach(function (input) {
        if ((input.type !== "checkbox" && input.type !== "radio") || input.checked) {
          body.append(input.name, input.value);
        }
      });
    }
    var number = ++this.request;
    post(this.url, body).then(function (response) {
      return response.ok ? response.text() : Promise.reject(response.status);
    }).then(function (html) {
      if (number !== self.request) {
        return; // a later search has already been sent
      }
      self.show(html);
    }).catch(function () {
      announce(self.status, "The search didn't work. Check your connection and try again.");
    });
  };

  Combobox.prototype.show = function (html) {
    var self = this;
    var taken = this.kind === "pupil" ? {} : chosenIds(this.kind);
    this.listbox.innerHTML = html;
    this.options().forEach(function (option, index) {
      if (taken[option.dataset.value]) {
        option.remove();
        return;
      }
      option.id = self.listbox.id + "-" + index;
      option.setAttribute("aria-selected", "false");
    });
    var count = this.options().length;
    this.active = -1;
    var noun = this.kind === "people" ? "person" : "pupil";
    var plural = this.kind === "people" ? "people" : "pupils";
    if (count === 0) {
      this.listbox.innerHTML = "";
      this.close();
      announce(this.status, "No " + plural + " found.");
      return;
    }
    this.open();
    announce(this.status, count + " " + (count === 1 ? noun : plural) +
      " found. Use the up and down arrow keys to choose, then press Enter.");
  };

  Combobox.prototype.highlight = function (index) {
    var options = this.options();
    if (!options.length) {
      return;
    }
    this.active = (index + options.length) % options.length;
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === this.active ? "true" : "false");
      option.classList.toggle("is-active", i === this.active);
    }, this);
    var current = options[this.active];
    this.input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  };

  Combobox.prototype.onKeydown = function (event) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!this.isOpen()) {
          if (this.options().length) {
            this.open();
          } else {
            this.search();
            return;
          }
        }
        this.highlight(this.active + 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (this.isOpen()) {
          this.highlight(this.active - 1);
        }
        break;
      case "Enter":
        // Enter chooses; it never submits the form from here.
        event.preventDefault();
        if (this.isOpen() && this.active >= 0) {
          this.choose(this.options()[this.active]);
        } else {
          window.clearTimeout(this.timer);
          this.search();
        }
        break;
      case "Escape":
        if (this.isOpen()) {
          event.preventDefault();
          this.close();
        }
        break;
      case "Tab":
        this.close();
        break;
    }
  };

  Combobox.prototype.onBlur = function () {
    var self = this;
    window.setTimeout(function () {
      if (document.activeElement !== self.input) {
        self.close();
      }
    }, 150);
  };

  Combobox.prototype.onClick = function (event) {
    var option = event.target.closest("[role=option]");
    if (option) {
      this.choose(option);
    }
  };

  Combobox.prototype.choose = function (option) {
    if (option.getAttribute("aria-disabled") === "true") {
      announce(this.status, option.dataset.label +
        " is archived. Only a DSL can record on an archived pupil: speak to your DSL.");
      return;
    }
    var message;
    if (this.kind === "pupil") {
      this.root.querySelector("[data-chosen-id]").value = option.dataset.value;
      this.input.value = option.dataset.label;
      var chosen = this.root.querySelector("[data-chosen]");
      chosen.textContent = "Chosen: ";
      chosen.appendChild(element("strong", {}, option.dataset.label));
      chosen.appendChild(document.createTextNode(", " + option.dataset.detail));
      if (option.dataset.archived === "true") {
        chosen.appendChild(document.createTextNode(" "));
        chosen.appendChild(element("span", { class: "badge badge--warn" }, "Archived"));
        chosen.appendChild(element("span", { class: "warning-text" },
          " This pupil is archived: check this is the right child."));
      }
      message = option.dataset.label + " chosen.";
    } else {
      var list = form.querySelector("[data-rows=" + this.kind + "]");
      message = this.kind === "link" ? addLinkRow(list, option) : addPersonRow(list, option);
      this.input.value = "";
    }
    this.listbox.innerHTML = "";
    this.close();
    announce(this.status, message);
    scheduleDraft();
  };

  form.querySelectorAll("[data-combobox]").forEach(function (root) {
    new Combobox(root);
  });

  // Enter in a one-line field doesn't submit the incident half-written.
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.tagName === "INPUT" &&
        ["text", "date", "time"].indexOf(target.type) !== -1) {
      event.preventDefault();
    }
  });

  // "Have you spoken to a DSL?": the "whom" list only matters after Yes ---------------------

  var dslChoice = form.querySelector("[data-dsl-choice]");
  function showDslChoice() {
    var yes = form.querySelector("[name=spoke_to_dsl][value=yes]");
    if (!dslChoice || !yes) {
      return;
    }
    dslChoice.hidden = !yes.checked;
    if (!yes.checked) {
      dslChoice.querySelector("select").value = "";
    }
  }
  form.querySelectorAll("[name=spoke_to_dsl]").forEach(function (radio) {
    radio.addEventListener("change", showDslChoice);
  });
  showDslChoice();

  // Drafts: saved two seconds after typing stops, and when the page is hidden or left ------

  var draftUrl = form.getAttribute("data-draft-url");
  var draftStatus = document.getElementById("draft-status");
  var draftTimer = null;
  var unsaved = false;
  // A draft is started only once the form holds something worth keeping (the server
  // checks the same: drafts.is_worth_keeping); after that every change is saved.
  var draftKept = form.hasAttribute("data-draft-kept");
  var WRITTEN = ["text", "location"];
  var CHOSEN = ["pupil", "link_pupil", "categories", "people", "dsl_spoken_to"];
  var MARK_FIELD = /^mark-\d+-(side|x|y|region|type|colour|shape|size|note)$/;

  function worthKeeping() {
    var found = false;
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || !value.trim()) {
        return;
      }
      if (WRITTEN.indexOf(name) !== -1 || CHOSEN.indexOf(name) !== -1 || MARK_FIELD.test(name)) {
        found = true;
      }
    });
    return found;
  }

  function draftBody() {
    var body = new FormData(form);
    body.delete("files");
    body.delete("intent");
    return body;
  }

  function saveDraft() {
    window.clearTimeout(draftTimer);
    if (!unsaved || submitting) {
      return;
    }
    unsaved = false;
    post(draftUrl, draftBody()).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("application/json") === -1) {
        // Signed out (idle timeout): the last saved draft waits on the dashboard.
        draftStatus.textContent = "Draft not saved: you have been signed out. Copy your " +
          "latest text, sign in again and carry on from your dashboard.";
        return;
      }
      return response.json().then(function (data) {
        if (response.ok && data.kept === false) {
          return; // nothing worth keeping yet: no draft, nothing to say
        }
        if (response.ok) {
          draftKept = true;
        }
        if (response.ok && data.submit_key) {
          // Started in another school: this school keeps a new draft, under a new key.
          form.querySelector("[name=submit_key]").value = data.submit_key;
          draftStatus.textContent = data.notice + " Saved " + data.saved_at;
        } else if (response.ok) {
          draftStatus.textContent = "Draft saved " + data.saved_at;
        } else {
          draftStatus.textContent = "Draft not saved: " + (data.error || "please try again.");
        }
      });
    }).catch(function () {
      unsaved = true;
      draftStatus.textContent = "Draft not saved: check your connection. Keep this page open.";
    });
  }

  function scheduleDraft() {
    if (!draftUrl) {
      return; // the add action form keeps no drafts
    }
    if (!draftKept && !worthKeeping()) {
      // Typing in a search box, or a new form left as it opened: no draft yet.
      unsaved = false;
      window.clearTimeout(draftTimer);
      return;
    }
    unsaved = true;
    window.clearTimeout(draftTimer);
    draftTimer = window.setTimeout(saveDraft, 2000);
  }

  function saveDraftOnLeaving() {
    if (!unsaved || submitting || !navigator.sendBeacon) {
      return;
    }
    // The CSRF token travels in the body (csrfmiddlewaretoken): a beacon can't set headers.
    if (navigator.sendBeacon(draftUrl, draftBody())) {
      unsaved = false;
    }
  }

  form.addEventListener("input", function (event) {
    if (event.target.type !== "file") {
      scheduleDraft();
    }
  });
  form.addEventListener("change", function (event) {
    if (event.target.type !== "file") {
      scheduleDraft();
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      saveDraftOnLeaving();
    }
  });
  window.addEventListener("pagehide", saveDraftOnLeaving);

  // Submit once: the server's submit key is the real guard; this spares a second request -----

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitting) {
      event.preventDefault();
      return;
    }
    if (!submitter || submitter.value !== "submit") {
      return;
    }
    submitting = true;
    window.clearTimeout(draftTimer);
    window.setTimeout(function () {
      submitter.disabled = true;
      submitter.textContent = "Adding…";
    }, 0);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false;
      form.querySelectorAll("[data-submit-once]").forEach(function (button) {
        button.disabled = false;
        button.textContent = "Add Incident";
      });
    }
  });

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
