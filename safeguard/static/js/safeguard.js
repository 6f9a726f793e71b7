// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Buttons that ask before a consequential change: <button data-confirm="...">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();

// ---- Header menu (includes/site_menu.html) --------------------------------------------------
// Without this script the menu is a <details>. Here it becomes a <button aria-expanded> with
// its panel: Escape closes it and returns to the button, as do a click or focus elsewhere.
// It runs before the hide-screen block, so the Escape that closes the menu doesn't count
// towards "Escape twice".
(function () {
  "use strict";
  var details = document.querySelector("[data-site-menu]");
  if (!details) {
    return;
  }
  var summary = details.querySelector("summary");
  var panel = details.querySelector(".site-menu__panel");
  var menu = document.createElement("div");
  var button = document.createElement("button");
  menu.className = details.className;
  button.type = "button";
  button.className = summary.className;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", panel.id);
  while (summary.firstChild) {
    button.appendChild(summary.firstChild);
  }
  panel.hidden = true;
  menu.appendChild(button);
  menu.appendChild(panel);
  details.replaceWith(menu);

  function setOpen(open) {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  button.addEventListener("click", function () {
    setOpen(panel.hidden);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      setOpen(false);
      button.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!panel.hidden && !menu.contains(event.target)) {
      setOpen(false);
    }
  });
  menu.addEventListener("focusout", function (event) {
    if (event.relatedTarget && !menu.contains(event.relatedTarget)) {
      setOpen(false);
    }
  });
})();
// ---- End of header menu ---------------------------------------------------------------------

// ---- Hide screen (school policy: don't leave records open in view) -------------------------
// The header's "Hide screen" button, Alt+H, or Escape pressed twice covers the page at once
// with a neutral cover and a neutral title; "Show the page" (click or Enter) brings it back.
(function () {
  "use strict";
  var cover = document.getElementById("screen-cover");
  var button = document.querySelector("[data-hide-screen]");
  if (!cover || !button) {
    return;
  }
  var showButton = cover.querySelector("[data-show-screen]");
  var title = document.title;
  var lastEscape = 0;
  var returnFocus = null;

  function others() {
    return Array.prototype.filter.call(document.body.children, function (node) {
      return node !== cover && node.tagName !== "SCRIPT";
    });
  }

  function hide() {
    if (!cover.hidden) {
      return;
    }
    returnFocus = document.activeElement;
    title = document.title;
    document.title = "Safeguard";
    others().forEach(function (node) { node.inert = true; });
    cover.hidden = false;
    showButton.focus();
  }

  function show() {
    cover.hidden = true;
    others().forEach(function (node) { node.inert = false; });
    document.title = title;
    if (returnFocus && returnFocus.focus) {
      returnFocus.focus();
    }
  }

  button.hidden = false;
  button.addEventListener("click", hide);
  showButton.addEventListener("click", show);
  document.addEventListener("keydown", function (event) {
    if (event.altKey && (event.code === "KeyH" || event.key === "h" || event.key === "H")) {
      event.preventDefault();
      hide();
      return;
    }
    if (event.key !== "Escape" || event.defaultPrevented || !cover.hidden) {
      return;
    }
    var now = Date.now();
    if (now - lastEscape < 600) {
      lastEscape = 0;
      hide();
    } else {
      lastEscape = now;
    }
  });
})();
// ---- End of hide screen ---------------------------------------------------------------------
