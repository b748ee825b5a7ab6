// walkcoach studio: a tick of the session's picture takes you to its line's words.
(function () {
  document.addEventListener("click", function (event) {
    var tick = event.target.closest && event.target.closest("a[data-line]");
    if (!tick) { return; }
    var words = document.getElementById(tick.getAttribute("data-line"));
    if (!words) { return; }
    event.preventDefault();
    words.scrollIntoView({block: "center"});
    words.focus({preventScroll: true});
  });
})();
