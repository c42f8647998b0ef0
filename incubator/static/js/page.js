// Small behaviours of the pages, kept in a file so that the Content-Security-Policy allows no inline script.
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target.matches && target.matches("[data-select-on-click]")) {
    target.select();
  }
  if (target.closest && target.closest("[data-print]")) {
    window.print();
  }
});
