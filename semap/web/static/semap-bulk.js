/* "Select all" above a list of checkboxes (the stale entries); without JavaScript each is ticked by hand. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".select-all"), function (all) {
    var form = all.closest("form");
    all.addEventListener("change", function () {
      Array.prototype.forEach.call(form.querySelectorAll("input[name=pick]"), function (box) {
        box.checked = all.checked;
      });
    });
  });
}());
