// Fill a video-link field with a random, unguessable Jitsi room URL.
// 16 random bytes (128 bits) from the browser's CSPRNG; the room name says nothing
// about the client.
"use strict";
document.addEventListener("click", function (event) {
  const button = event.target.closest("button.refleact-jitsi");
  if (!button) return;
  event.preventDefault();
  const row = button.parentElement;
  const input = row.querySelector("input[type=text], input:not([type])");
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  const token = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  if (input) input.value = "https://meet.jit.si/refleact-" + token;
});
