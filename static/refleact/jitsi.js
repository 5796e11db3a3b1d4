// Fill a video-link field with a random, unguessable room URL on the practice's
// video-call server (VIDEO_CALL_BASE_URL, handed over in the button's
// data-video-base). 16 random bytes (128 bits) from the browser's CSPRNG; the room
// name says nothing about the client. The link beside the field opens the new room.
"use strict";
document.addEventListener("click", function (event) {
  const button = event.target.closest("button.refleact-jitsi");
  if (!button) return;
  event.preventDefault();
  const base = button.dataset.videoBase;
  if (!base || !base.startsWith("https://")) return;
  const row = button.parentElement;
  const input = document.getElementById(button.dataset.target) ||
    row.querySelector("input[type=text], input:not([type])");
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  const token = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const url = base + "refleact-" + token;
  if (input) input.value = url;
  const open = row.querySelector("a.refleact-video-open");
  if (open) {
    open.href = url;
    open.hidden = false;
  }
});
