// Builds the directory of public bodies from a local JSON file: the list exists only in the rendered DOM.
(function () {
  "use strict";
  var box = document.getElementById("directory");
  if (!box) { return; }
  fetch(box.getAttribute("data-source"), { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
    .then(function (data) {
      var list = document.createElement("ul");
      list.className = "cards";
      data.bodies.forEach(function (body) {
        var item = document.createElement("li");
        var h = document.createElement("h2");
        var a = document.createElement("a");
        a.href = body.url;
        a.textContent = body.name;
        h.appendChild(a);
        var p = document.createElement("p");
        p.textContent = body.mission;
        item.appendChild(h);
        item.appendChild(p);
        list.appendChild(item);
      });
      box.replaceChildren(list);
    })
    .catch(function () {
      box.replaceChildren(document.createTextNode(box.getAttribute("data-error") || "The directory could not be loaded."));
    });
})();
