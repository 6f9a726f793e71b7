// The idle-timeout warning. The server decides when a session ends (accounts/sessions.py);
// this only tells the person shortly before, and lets them stay signed in.
// Settings come from data- attributes on <body>; nothing here is inline (strict CSP).
(function () {
  "use strict";
  var body = document.body;
  var remaining = Number(body.getAttribute("data-session-remaining"));
  var banner = document.getElementById("session-warning");
  if (!remaining || !banner) {
    return;
  }
  var warnBefore = Number(body.getAttribute("data-session-warning")) || 120;
  var statusUrl = body.getAttribute("data-session-status-url");
  var signInUrl = body.getAttribute("data-session-sign-in-url");
  var text = banner.querySelector("[data-session-warning-text]");
  var form = banner.querySelector("form");
  var deadline = Date.now() + remaining * 1000; // when the server will end the session
  var timer = null;
  var interacted = false; // a key or pointer press since the server last heard from us

  function describe(seconds) {
    if (seconds >= 90) {
      return Math.round(seconds / 60) + " minutes";
    }
    if (seconds >= 60) {
      return "1 minute";
    }
    return Math.max(1, Math.round(seconds)) + " seconds";
  }

  function hide() {
    banner.hidden = true;
    text.textContent = "";
  }

  function show(seconds, limit) {
    if (!banner.hidden) {
      return;
    }
    banner.hidden = false;
    // Filling the alert region after it is visible makes screen readers announce it.
    text.textContent =
      limit === "absolute"
        ? "You'll be signed out in " + describe(seconds) +
          ": you have been signed in for the longest time allowed. Save your work now."
        : "You'll be signed out in " + describe(seconds) + " to protect pupils' records.";
  }

  function goToSignIn() {
    window.location.assign(signInUrl + "?next=" + encodeURIComponent(window.location.pathname));
  }

  // Act on what the server says is left: wait, warn, or (if someone is working) keep alive.
  function decide(seconds, limit) {
    window.clearTimeout(timer);
    if (seconds === null || seconds <= 0) {
      goToSignIn();
      return;
    }
    deadline = Date.now() + seconds * 1000;
    if (seconds > warnBefore) {
      hide();
      timer = window.setTimeout(check, (seconds - warnBefore) * 1000);
    } else if (interacted && limit !== "absolute") {
      keepAlive();
    } else {
      show(seconds, limit);
      timer = window.setTimeout(check, seconds * 1000 + 1000);
    }
  }

  function ask(url, options) {
    options.headers = { Accept: "application/json" };
    options.credentials = "same-origin";
    options.redirect = "manual"; // signed out: a redirect to sign-in, read as "ended"
    return window
      .fetch(url, options)
      .then(function (response) {
        if (response.ok) {
          return response.json();
        }
        if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
          return { signed_in: false };
        }
        throw new Error("Session check failed: " + response.status);
      })
      .then(function (data) {
        if (data.signed_in) {
          decide(data.seconds_remaining, data.limit);
        } else {
          goToSignIn();
        }
      });
  }

  // Ask how long is left: another tab may have kept the session alive.
  function check() {
    ask(statusUrl, { method: "GET" }).catch(function () {
      // Offline: carry on from the local estimate and ask again shortly.
      var left = (deadline - Date.now()) / 1000;
      window.clearTimeout(timer);
      if (left > warnBefore) {
        timer = window.setTimeout(check, (left - warnBefore) * 1000);
      } else {
        show(Math.max(left, 1));
        timer = window.setTimeout(check, 15000);
      }
    });
  }

  function keepAlive() {
    interacted = false;
    ask(form.action, { method: "POST", body: new FormData(form) }).catch(function () {
      timer = window.setTimeout(check, 15000);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    keepAlive();
  });

  // A key or pointer press outside the warning means someone is here.
  function noteInteraction(event) {
    if (banner.contains(event.target)) {
      return;
    }
    interacted = true;
    if (!banner.hidden) {
      keepAlive();
    }
  }
  document.addEventListener("keydown", noteInteraction, true);
  document.addEventListener("pointerdown", noteInteraction, true);

  // Background tabs run timers late; check again as soon as the page is looked at.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      check();
    }
  });

  decide(remaining);
})();
