// The body map on the Add Incident form (incidents/includes/body_map_input.html).
//
// Without this file the form still works: each mark is a row with front/back and a part of
// the body chosen from lists. With it, a click or tap on a drawing places a numbered mark
// and adds its row; "Add a mark on the front/back" places one in the middle, and the arrow
// keys move the mark that has focus (Shift moves further). Every move is announced with
// the part of the body, named from the same table the server uses (bodymap.py).
(function () {
  "use strict";

  var SIZE = 1000;
  var STEP = 10;
  var BIG_STEP = 50;
  var START = { front: [500, 450], back: [500, 440] };
  var SVG_NS = "http://www.w3.org/2000/svg";

  var root = document.querySelector("[data-bodymap]");
  var table = document.getElementById("bodymap-regions");
  if (!root || !table) {
    return;
  }
  var regions = JSON.parse(table.textContent);
  var maxMarks = parseInt(root.getAttribute("data-max-marks"), 10) || 20;
  var rowsBox = root.querySelector("[data-bodymap-rows]");
  var status = root.querySelector("[data-bodymap-status]");
  var drawings = {};
  root.querySelectorAll("svg[data-bodymap-side]").forEach(function (svg) {
    drawings[svg.getAttribute("data-bodymap-side")] = svg;
  });

  // Parts of the body: the first box holding the point, else the nearest (as bodymap.py).
  function contains(region, x, y) {
    var b = region.box;
    return b[0] <= x && x <= b[2] && b[1] <= y && y <= b[3];
  }
  function distance(region, x, y) {
    var b = region.box;
    var dx = Math.max(b[0] - x, 0, x - b[2]);
    var dy = Math.max(b[1] - y, 0, y - b[3]);
    return dx * dx + dy * dy;
  }
  function regionAt(side, x, y) {
    var best = null;
    var bestDistance = Infinity;
    for (var i = 0; i < regions.length; i++) {
      var region = regions[i];
      if (region.side !== side) {
        continue;
      }
      if (contains(region, x, y)) {
        return region;
      }
      var d = distance(region, x, y);
      if (d < bestDistance) {
        best = region;
        bestDistance = d;
      }
    }
    return best;
  }
  function regionName(side, x, y) {
    var region = regionAt(side, x, y);
    return contains(region, x, y) ? region.label : "near the " + region.label;
  }
  function regionByKey(key) {
    for (var i = 0; i < regions.length; i++) {
      if (regions[i].key === key) {
        return regions[i];
      }
    }
    return null;
  }

  // Rows -----------------------------------------------------------------------------
  function allRows() {
    return Array.prototype.slice.call(rowsBox.querySelectorAll("[data-bodymap-row]"));
  }
  function field(row, name) {
    return row.querySelector('[data-field="' + name + '"]');
  }
  function numberOf(row) {
    return allRows().indexOf(row) + 1;
  }
  function isEmpty(row) {
    return Array.prototype.every.call(row.querySelectorAll("[data-field]"), function (input) {
      return input.value.trim() === "";
    });
  }
  function position(row) {
    var x = field(row, "x").value;
    var y = field(row, "y").value;
    var side = field(row, "side").value;
    if (!drawings[side] || x === "" || y === "") {
      return null;
    }
    return { side: side, x: parseInt(x, 10), y: parseInt(y, 10) };
  }
  function describe(row) {
    var p = position(row);
    var where = p ? ", " + p.side + ", " + regionName(p.side, p.x, p.y) : "";
    return "Mark " + numberOf(row) + where;
  }

  // Give each row the names and ids of its place in the list (mark-N-...), and its marker
  // the same number, so what is posted matches what is shown.
  function renumber() {
    allRows().forEach(function (row, index) {
      var n = index + 1;
      var prefix = "mark-" + n + "-";
      row.id = "mark-" + n;
      row.querySelectorAll("[id], [name], [for], [aria-describedby]").forEach(function (el) {
        ["id", "name", "for", "aria-describedby"].forEach(function (attribute) {
          var value = el.getAttribute(attribute);
          if (value) {
            el.setAttribute(attribute, value.replace(/mark-\d+-/g, prefix));
          }
        });
      });
      row.querySelectorAll("[data-row-number]").forEach(function (el) {
        el.textContent = String(n);
      });
      if (row.marker) {
        row.marker.querySelector("text").textContent = String(n);
        row.marker.setAttribute("data-mark", String(n));
      }
      update(row);
    });
    var full = allRows().length >= maxMarks;
    root.querySelectorAll("[data-bodymap-add]").forEach(function (button) {
      button.setAttribute("aria-disabled", full ? "true" : "false");
    });
  }

  // Markers --------------------------------------------------------------------------
  function svgElement(name, attributes) {
    var el = document.createElementNS(SVG_NS, name);
    Object.keys(attributes).forEach(function (key) {
      el.setAttribute(key, attributes[key]);
    });
    return el;
  }
  function makeMarker(row) {
    var marker = svgElement("g", { class: "bodymap__marker", tabindex: "0", role: "button" });
    marker.appendChild(
      svgElement("circle", {
        class: "bodymap__ring", r: "42", fill: "none", stroke: "#1d2330", "stroke-width": "12",
      })
    );
    marker.appendChild(
      svgElement("circle", { r: "30", fill: "#a4161a", stroke: "#ffffff", "stroke-width": "5" })
    );
    var text = svgElement("text", {
      dy: "12", "text-anchor": "middle", "font-size": "34", "font-weight": "700", fill: "#ffffff",
    });
    marker.appendChild(text);
    marker.setAttribute("aria-describedby", "bodymap-how");
    marker.row = row;
    row.marker = marker;
    return marker;
  }

  // Show the row's position: its marker, its legend, and its lists.
  function update(row) {
    var p = position(row);
    var legend = row.querySelector("[data-row-where]");
    if (!p) {
      if (row.marker) {
        row.marker.remove();
        row.marker = null;
      }
      legend.textContent = "";
      return;
    }
    var marker = row.marker || makeMarker(row);
    var group = drawings[p.side].querySelector("[data-bodymap-marks]");
    if (marker.parentNode !== group) {
      var hadFocus = document.activeElement === marker;
      group.appendChild(marker);
      if (hadFocus) {
        marker.focus();
      }
    }
    marker.querySelectorAll("circle").forEach(function (circle) {
      circle.setAttribute("cx", p.x);
      circle.setAttribute("cy", p.y);
    });
    var text = marker.querySelector("text");
    text.setAttribute("x", p.x);
    text.setAttribute("y", p.y);
    text.textContent = String(numberOf(row));
    marker.setAttribute("data-mark", String(numberOf(row)));
    marker.setAttribute("aria-label", describe(row));
    legend.textContent = ": " + p.side + ", " + regionName(p.side, p.x, p.y);
  }

  function place(row, side, x, y) {
    x = Math.max(0, Math.min(SIZE, Math.round(x)));
    y = Math.max(0, Math.min(SIZE, Math.round(y)));
    field(row, "side").value = side;
    field(row, "x").value = String(x);
    field(row, "y").value = String(y);
    field(row, "region").value = regionAt(side, x, y).key;
    update(row);
    // Let the form's draft keeper know something changed (scripts set these fields).
    field(row, "x").dispatchEvent(new Event("input", { bubbles: true }));
  }

  function select(row) {
    allRows().forEach(function (other) {
      if (other.marker) {
        other.marker.classList.toggle("is-selected", other === row);
      }
    });
  }

  function announce(message) {
    // Clear first so the same words twice are still read out.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = message;
    }, 30);
  }

  // Adding and removing ----------------------------------------------------------------
  var prototype = null;

  function newRow() {
    if (allRows().length >= maxMarks) {
      announce("A body map holds up to " + maxMarks + " marks. Describe any others in the account.");
      return null;
    }
    var row = prototype.cloneNode(true);
    row.querySelectorAll("[data-field]").forEach(function (input) {
      input.value = "";
    });
    rowsBox.appendChild(row);
    wireRow(row);
    renumber();
    return row;
  }

  function addAt(side, x, y, byKeyboard) {
    var row = newRow();
    if (!row) {
      return;
    }
    place(row, side, x, y);
    select(row);
    if (byKeyboard) {
      row.marker.focus();
      announce(
        describe(row) + " added. Arrow keys move it; hold Shift to move further. " +
          "Press Enter to describe it."
      );
    } else {
      announce(describe(row) + " added. Describe it below.");
      field(row, "type").focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function removeRow(row) {
    var n = numberOf(row);
    var side = field(row, "side").value || "front";
    if (row.marker) {
      row.marker.remove();
    }
    row.remove();
    renumber();
    rowsBox.dispatchEvent(new Event("input", { bubbles: true }));
    var left = allRows().length;
    announce(
      "Mark " + n + " removed. " + (left === 1 ? "1 mark" : left + " marks") + " left" +
        (left && n <= left ? "; the marks after it are renumbered." : ".")
    );
    var add = root.querySelector('[data-bodymap-add="' + side + '"]');
    if (add) {
      add.focus();
    }
  }

  function wireRow(row) {
    row.querySelectorAll("[data-bodymap-js]").forEach(function (el) {
      el.hidden = false;
    });
    row.querySelectorAll("[data-bodymap-nojs]").forEach(function (el) {
      el.remove();
    });
    row.removeAttribute("data-blank");
  }

  // Events -----------------------------------------------------------------------------
  rowsBox.addEventListener("click", function (event) {
    var button = event.target.closest("[data-bodymap-remove]");
    if (button) {
      removeRow(button.closest("[data-bodymap-row]"));
    }
  });

  rowsBox.addEventListener("change", function (event) {
    var input = event.target;
    var row = input.closest("[data-bodymap-row]");
    var name = input.getAttribute("data-field");
    if (name === "region") {
      var region = regionByKey(input.value);
      if (region) {
        place(row, region.side, region.centre[0], region.centre[1]);
        select(row);
        announce(describe(row));
      }
    } else if (name === "side") {
      var p = position(row);
      if (drawings[input.value]) {
        // The same part of the body seen from the other side sits mirrored across the drawing.
        var x = p ? SIZE - p.x : START[input.value][0];
        var y = p ? p.y : START[input.value][1];
        place(row, input.value, x, y);
        select(row);
        announce(describe(row));
      } else {
        field(row, "x").value = "";
        field(row, "y").value = "";
        field(row, "region").value = "";
        update(row);
        select(null);
      }
    }
  });

  root.querySelectorAll("[data-bodymap-add]").forEach(function (button) {
    button.addEventListener("click", function () {
      var side = button.getAttribute("data-bodymap-add");
      addAt(side, START[side][0], START[side][1], true);
    });
  });

  function toDrawing(svg, event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }

  var drag = null;
  var skipClick = false;

  Object.keys(drawings).forEach(function (side) {
    var svg = drawings[side];
    svg.addEventListener("click", function (event) {
      if (skipClick) {
        skipClick = false;
        return;
      }
      var marker = event.target.closest(".bodymap__marker");
      if (marker && marker.row) {
        select(marker.row);
        marker.focus();
        return;
      }
      var p = toDrawing(svg, event);
      addAt(side, p.x, p.y, false);
    });

    // Dragging a marker moves it (the lists and the arrow keys do the same without dragging).
    svg.addEventListener("pointerdown", function (event) {
      var marker = event.target.closest(".bodymap__marker");
      if (marker && marker.row) {
        drag = { row: marker.row, side: side, moved: false, pointer: event.pointerId };
        svg.setPointerCapture(event.pointerId);
        select(marker.row);
      }
    });
    svg.addEventListener("pointermove", function (event) {
      if (drag && drag.pointer === event.pointerId) {
        var p = toDrawing(svg, event);
        drag.moved = true;
        place(drag.row, drag.side, p.x, p.y);
      }
    });
    function endDrag(event) {
      if (drag && drag.pointer === event.pointerId) {
        if (drag.moved) {
          skipClick = true;
          announce(describe(drag.row));
        }
        drag = null;
      }
    }
    svg.addEventListener("pointerup", endDrag);
    svg.addEventListener("pointercancel", endDrag);

    svg.addEventListener("keydown", function (event) {
      var marker = event.target.closest(".bodymap__marker");
      if (!marker || !marker.row) {
        return;
      }
      var row = marker.row;
      var step = event.shiftKey ? BIG_STEP : STEP;
      var moves = {
        ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step],
      };
      if (moves[event.key]) {
        event.preventDefault();
        var p = position(row);
        place(row, p.side, p.x + moves[event.key][0], p.y + moves[event.key][1]);
        select(row);
        announce(describe(row));
      } else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        field(row, "type").focus();
      }
    });
    svg.addEventListener("focusin", function (event) {
      var marker = event.target.closest(".bodymap__marker");
      if (marker && marker.row) {
        select(marker.row);
      }
    });
  });

  // Start: keep the rows that hold something, one empty row to copy, and draw the markers.
  allRows().forEach(function (row) {
    if (row.hasAttribute("data-blank") && isEmpty(row)) {
      if (!prototype) {
        prototype = row.cloneNode(true);
      }
      row.remove();
    } else {
      wireRow(row);
    }
  });
  if (!prototype) {
    prototype = allRows()[0].cloneNode(true);
    prototype.querySelectorAll(".errorlist").forEach(function (el) {
      el.remove();
    });
  }
  prototype.classList.remove("bodymap-row--error");
  prototype.querySelectorAll(".field--error").forEach(function (el) {
    el.classList.remove("field--error");
  });
  prototype.querySelectorAll("[aria-invalid]").forEach(function (el) {
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
  });
  Object.keys(drawings).forEach(function (side) {
    drawings[side].querySelectorAll("[data-bodymap-marks] > *").forEach(function (el) {
      el.remove();
    });
  });
  root.querySelectorAll("[data-bodymap-js]").forEach(function (el) {
    el.hidden = false;
  });
  root.querySelectorAll("[data-bodymap-nojs]").forEach(function (el) {
    el.hidden = true;
  });
  renumber();
})();
