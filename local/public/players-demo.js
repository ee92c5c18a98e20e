// /players.html: one stream in hls.js, Shaka Player or video.js, set up exactly
// as the README's "Players" section shows: URL mode with the shipped plugin
// (players/) and the app's renewal, cookie mode with the credential switch only
// while the app renews the cookies. `?player=hlsjs|shaka|videojs&mode=url|cookies&asset=NAME`.
// tests/e2e/players.test.ts plays every combination through rotations.
/* global Hls, shaka, videojs, URLSearchParams */
import { FreshSignatures } from "/players/signatures.js";
import { signedHlsConfig } from "/players/hlsjs.js";
import { useSignedRequests as useShaka } from "/players/shaka.js";
import { useSignedRequests as useVideojs } from "/players/videojs.js";

const query = new URLSearchParams(window.location.search);
const playerName = query.get("player");
const mode = query.get("mode");
const asset = query.get("asset");
const state = { renewals: 0, errors: [], started: false };
window.__players = state;

/** The app's renewal: a new signed master URL (URL mode) or new cookies (cookie mode, set by the response). */
async function openSession() {
  const response = await fetch("/api/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode, asset }),
  });
  if (!response.ok) throw new Error(`session refused: ${response.status}`);
  return response.json();
}

const signatures = new FreshSignatures();

async function renew() {
  try {
    const session = await openSession();
    if (mode === "url") await signatures.renewFromMaster(session.masterUrl);
    state.renewals++;
    setTimeout(renew, session.renewInSeconds * 1000);
  } catch (error) {
    state.errors.push(`renewal: ${error}`);
    setTimeout(renew, 1000);
  }
}

async function start() {
  const session = await openSession();
  setTimeout(renew, session.renewInSeconds * 1000);
  const video = document.getElementById("video");
  const plugin = mode === "url" ? { mode, signatures } : { mode };
  if (playerName === "hlsjs") {
    const hls = new Hls({ ...signedHlsConfig(Hls, plugin), liveDurationInfinity: true });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      // Network and fatal errors only: a stall that hls.js recovers from is not about signing.
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR || data.fatal)
        state.errors.push(
          `hls.js ${data.details}${data.fatal ? " (fatal)" : ""} ${data.response?.code ?? ""}`,
        );
    });
    hls.loadSource(session.masterUrl);
    hls.attachMedia(video);
  } else if (playerName === "shaka") {
    shaka.polyfill.installAll();
    const player = new shaka.Player();
    await player.attach(video);
    useShaka(player, plugin);
    player.addEventListener("error", (event) => state.errors.push(`shaka ${event.detail.code}`));
    await player.load(session.masterUrl);
  } else if (playerName === "videojs") {
    const player = videojs(video, { html5: { vhs: { overrideNative: true } } });
    useVideojs(player, plugin);
    player.on("error", () => state.errors.push(`video.js ${JSON.stringify(player.error())}`));
    player.src({ src: session.masterUrl, type: "application/x-mpegURL" });
  } else {
    throw new Error(`unknown player ${playerName}`);
  }
  state.started = true;
  await video.play();
}

start().then(
  () => (document.getElementById("status").textContent = `${playerName}: playing ${asset} in ${mode} mode`),
  (error) => {
    state.errors.push(`start: ${error}`);
    document.getElementById("status").textContent = String(error);
  },
);
