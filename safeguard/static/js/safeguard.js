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
