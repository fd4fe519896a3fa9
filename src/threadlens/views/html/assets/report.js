"use strict";
(function () {
  var posts = Array.prototype.slice.call(document.querySelectorAll("li.post"));
  var controls = document.getElementById("controls");
  var shown = document.getElementById("shown");
  function parentPost(li) { return li.parentElement ? li.parentElement.closest("li.post") : null; }
  function setCollapsed(li, collapsed) {
    var button = li.querySelector(":scope > .card .tog");
    if (!button) return;
    li.classList.toggle("collapsed", collapsed);
    button.setAttribute("aria-expanded", String(!collapsed));
    button.textContent = collapsed ? "+" + button.dataset.n : "\u2212";
  }
  function reveal(li) {
    for (var up = parentPost(li); up; up = parentPost(up)) setCollapsed(up, false);
    for (var node = li; node; node = parentPost(node)) node.classList.remove("off", "gone");
  }
  function clearMarks() {
    document.querySelectorAll("li.hl").forEach(function (li) {
      li.classList.remove("hl");
      li.querySelector(":scope > .card").classList.remove("whole");
    });
    document.querySelectorAll("mark.tl").forEach(function (mark) {
      var parent = mark.parentNode;
      mark.replaceWith(document.createTextNode(mark.textContent));
      parent.normalize();
    });
  }
  // Mark [start, end) of the post's text (UTF-16 offsets): each .t element holds text from data-start on.
  function markWords(card, start, end) {
    var found = false;
    card.querySelectorAll(".t").forEach(function (el) {
      var text = el.firstChild;
      if (!text || text.nodeType !== 3) return;
      var from = Number(el.dataset.start), lo = Math.max(start, from), hi = Math.min(end, from + text.length);
      if (lo >= hi) return;
      var range = document.createRange();
      range.setStart(text, lo - from);
      range.setEnd(text, hi - from);
      var mark = document.createElement("mark");
      mark.className = "tl";
      range.surroundContents(mark);
      found = true;
    });
    return found;
  }
  function focusPost(li, start, end, push) {
    clearMarks();
    reveal(li);
    var card = li.querySelector(":scope > .card");
    li.classList.add("hl");
    var words = start !== null && markWords(card, start, end);
    if (!words) card.classList.add("whole");
    var target = words ? card.querySelector("mark.tl") : card;
    target.scrollIntoView({block: "center"});
    card.focus({preventScroll: true});
    if (push) history.pushState(null, "", "#" + li.id);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.jump") : null;
    if (link) {
      var li = document.getElementById(link.getAttribute("href").slice(1));
      if (!li) return;
      event.preventDefault();
      var ss = link.dataset.ss, se = link.dataset.se;
      focusPost(li, ss === undefined ? null : Number(ss), se === undefined ? null : Number(se), true);
      return;
    }
    var button = event.target.closest ? event.target.closest("button.tog") : null;
    if (button) setCollapsed(button.closest("li.post"), !button.closest("li.post").classList.contains("collapsed"));
  });
  function fromHash() {
    var li = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (li && li.classList.contains("post")) focusPost(li, null, null, false);
  }
  window.addEventListener("popstate", fromHash);
  if (controls) {
    controls.hidden = false;
    var author = document.getElementById("author");
    var applyFilters = function () {
      var wanted = {};
      controls.querySelectorAll("input[name=stance]").forEach(function (box) { wanted[box.value] = box.checked; });
      var who = author ? author.value : "";
      var count = 0, i, li;
      for (i = 0; i < posts.length; i++) posts[i].tlSub = false;
      for (i = posts.length - 1; i >= 0; i--) {
        li = posts[i];
        var stance = li.dataset.stance;
        var match = (stance === undefined || wanted[stance] !== false) && (!who || li.dataset.author === who);
        if (match) count++;
        li.classList.toggle("off", !match);
        li.classList.toggle("gone", !match && !li.tlSub);
        if (match || li.tlSub) { var up = parentPost(li); if (up) up.tlSub = true; }
      }
      if (shown) shown.textContent = count === posts.length ? posts.length + " posts" : count + " of " + posts.length + " posts shown";
    };
    controls.addEventListener("change", applyFilters);
    controls.addEventListener("click", function (event) {
      var id = event.target.id;
      if (id === "expand" || id === "collapse") posts.forEach(function (li) { setCollapsed(li, id === "collapse"); });
      if (id === "reset") {
        controls.querySelectorAll("input[name=stance]").forEach(function (box) { box.checked = true; });
        if (author) author.value = "";
        applyFilters();
      }
    });
    applyFilters();
  }
  fromHash();
})();
