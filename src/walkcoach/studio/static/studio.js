// walkcoach studio: the words of the cue being said, shown under each player.
(function () {
  function wire(root) {
    root.querySelectorAll("audio[data-captions]").forEach(function (audio) {
      if (audio.dataset.wired) { return; }
      audio.dataset.wired = "1";
      var caption = audio.parentElement.querySelector(".caption");
      var track = audio.textTracks && audio.textTracks[0];
      if (!track || !caption) { return; }
      track.mode = "hidden";
      track.addEventListener("cuechange", function () {
        var cue = track.activeCues && track.activeCues[0];
        // A cue's text is WebVTT, where "&" is written "&amp;": its HTML says the words.
        caption.textContent = cue ? cue.getCueAsHTML().textContent : "";
      });
    });
  }
  // An answer that refuses (403, 404, 400, 413...) is not swapped in by htmx: say why at the
  // top of the page instead of doing nothing.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status < 400) { return; }
    var shown = document.getElementById("studio-problem");
    if (!shown) { return; }
    var text = xhr.responseText || "";
    if ((xhr.getResponseHeader("content-type") || "").indexOf("text/html") === 0) {
      var page = new DOMParser().parseFromString(text, "text/html");
      var found = page.querySelector(".error:not(#studio-problem)");
      text = found ? found.textContent : "The studio could not do that.";
    }
    shown.textContent = text.trim() || ("The studio answered " + xhr.status + ".");
    if (xhr.getResponseHeader("x-walkcoach-stale")) {
      var reload = document.createElement("button");
      reload.type = "button";
      reload.textContent = "Reload";
      reload.addEventListener("click", function () { window.location.reload(); });
      shown.appendChild(document.createTextNode(" "));
      shown.appendChild(reload);
    }
    shown.hidden = false;
    shown.scrollIntoView({block: "nearest"});
  });
  // Typing minutes or intervals (or choosing what comes between rounds) is choosing them.
  function chooseLength(event) {
    var field = event.target.closest && event.target.closest("[data-length]");
    if (!field || !field.form) { return; }
    var radio = field.form.querySelector(
      'input[name=length][value="' + field.dataset.length + '"]');
    if (radio) { radio.checked = true; }
  }
  document.addEventListener("input", chooseLength);
  document.addEventListener("change", chooseLength);
  // The studio not answering at all (stopped, restarted): said, not a page frozen at "running".
  document.addEventListener("htmx:sendError", function () {
    var shown = document.getElementById("studio-problem");
    if (!shown) { return; }
    shown.textContent = "The studio is not answering: it may have been stopped. Start it " +
      "again (walkcoach serve) and build once more; a job it was running did not finish.";
    shown.hidden = false;
  });
  // A form sent is not sent again while its request is on its way (a double click asks
  // once). Its buttons say so (aria-disabled) but keep the focus: a keyboard user's place
  // stays where it was.
  function formOf(event) {
    var elt = event.detail.elt;
    var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    if (verb === "get" || !elt) { return null; }  // a job asking how it goes sends nothing
    return elt.tagName === "FORM" ? elt : (elt.closest && elt.closest("form"));
  }
  function marking(form, on) {
    form.querySelectorAll("button").forEach(function (button) {
      if (on) { button.setAttribute("aria-disabled", "true"); }
      else { button.removeAttribute("aria-disabled"); }
    });
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event);
    if (form && form.dataset.sending) { event.preventDefault(); return; }
    var shown = document.getElementById("studio-problem");
    if (shown) { shown.hidden = true; }
    if (form) { form.dataset.sending = "1"; marking(form, true); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = formOf(event);
    if (form) { delete form.dataset.sending; marking(form, false); }
  });
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:load", function (event) { wire(event.target); });
})();
