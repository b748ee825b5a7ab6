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
        caption.textContent = cue ? cue.text : "";
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:load", function (event) { wire(event.target); });
})();
