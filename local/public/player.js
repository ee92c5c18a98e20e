/* global Hls, FormData, MediaSource, URLSearchParams, XMLHttpRequest */
// The local stack's demo player: asks the app for a signed master URL (or
// signed cookies), plays it with hls.js through the local edge, renews the
// session before it expires, and shows which key signed every request.
// Renewal in URL mode is the shipped plugin's (players/, README "Players"):
// FreshSignatures keeps the freshest grant and the hls.js playlist loader puts
// it on every reload; this page only records what passes.
import { FreshSignatures } from "/players/signatures.js";
import { signedHlsConfig } from "/players/hlsjs.js";

const CODECS = 'video/mp4; codecs="avc1.4d401e,mp4a.40.2"';

const player = {
  mode: "url",
  asset: "ts",
  session: null,
  /** The plugin's freshest grant (URL mode): its playlist loader puts it on every reload. */
  signatures: new FreshSignatures(),
  renewals: 0,
  rejected: 0,
  requests: 0,
  byKey: {},
  recent: [],
  rotations: [],
  edgeRejected: 0,
  errors: [],
  codecsSupported: typeof MediaSource !== "undefined" && MediaSource.isTypeSupported(CODECS),
  hls: null,
  renewTimer: null,
};
window.__player = player;

const $ = (id) => document.getElementById(id);
const video = $("video");

function setStatus(text) {
  $("status").textContent = text;
}

async function requestSession() {
  const response = await fetch("/api/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode: player.mode, asset: player.asset }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`app refused the session: ${body.error || response.status}`);
  return body;
}

/** Loads the renewed master through the edge with the mode's credentials, and records the answer. */
async function loadMaster(url) {
  const response = await fetch(url, { credentials: player.mode === "cookies" ? "include" : "omit" });
  record(
    url,
    response.status,
    response.headers.get("x-local-edge-key-id"),
    response.headers.get("x-local-edge-signed-by"),
  );
  if (!response.ok)
    throw new Error(
      `edge refused the renewed master: ${response.headers.get("x-local-edge-reason") || response.status}`,
    );
  return response;
}

function record(url, status, keyId, via) {
  const file = new URL(url).pathname.split("/").pop();
  player.requests++;
  if (status === 403) player.rejected++;
  if (keyId) player.byKey[keyId] = (player.byKey[keyId] || 0) + 1;
  player.recent.unshift({
    at: new Date().toISOString().slice(11, 19),
    file,
    status,
    keyId: keyId || "–",
    via: via || "–",
  });
  player.recent.length = Math.min(player.recent.length, 14);
  render();
}

/** hls.js loader that records every response (playlists, segments, keys); the plugin's playlist loader extends it. */
function observedLoader() {
  const Base = Hls.DefaultConfig.loader;
  return class ObservedLoader extends Base {
    load(context, config, callbacks) {
      const header = (xhr, name) =>
        xhr instanceof XMLHttpRequest && xhr.readyState >= 2 ? xhr.getResponseHeader(name) : null;
      super.load(context, config, {
        ...callbacks,
        onSuccess: (response, stats, ctx, xhr) => {
          record(ctx.url, 200, header(xhr, "x-local-edge-key-id"), header(xhr, "x-local-edge-signed-by"));
          callbacks.onSuccess(response, stats, ctx, xhr);
        },
        onError: (error, ctx, xhr, stats) => {
          record(ctx.url, error.code, null, header(xhr, "x-local-edge-reason"));
          callbacks.onError(error, ctx, xhr, stats);
        },
      });
    }
  };
}

async function renew() {
  try {
    const session = await requestSession();
    if (player.mode === "url") await player.signatures.renewFromMaster(session.masterUrl, loadMaster);
    else await loadMaster(session.masterUrl);
    player.session = session;
    player.renewals++;
    scheduleRenewal(session);
  } catch (error) {
    player.errors.push(String(error));
    setStatus(String(error));
    player.renewTimer = setTimeout(renew, 1000);
  }
  render();
}

function scheduleRenewal(session) {
  clearTimeout(player.renewTimer);
  player.renewTimer = setTimeout(renew, Math.max(1, session.renewInSeconds) * 1000);
}

async function start(mode, asset) {
  player.mode = mode;
  player.asset = asset;
  player.signatures = new FreshSignatures();
  if (player.hls) player.hls.destroy();
  clearTimeout(player.renewTimer);
  if (!Hls.isSupported())
    return setStatus("hls.js: Media Source Extensions are not available in this browser.");
  try {
    const session = await requestSession();
    player.session = session;
    scheduleRenewal(session);
    const loader = observedLoader();
    const signing = mode === "url" ? { mode, signatures: player.signatures, loader } : { mode: "cookies" };
    const hls = new Hls({ loader, ...signedHlsConfig(Hls, signing), liveDurationInfinity: true });
    player.hls = hls;
    hls.on(Hls.Events.ERROR, (_event, data) => {
      const status = data.response ? ` HTTP ${data.response.code}` : "";
      const file = data.frag?.url ? ` ${new URL(data.frag.url).pathname}` : "";
      player.errors.push(`${data.type}/${data.details}${data.fatal ? " (fatal)" : ""}${status}${file}`);
      if (data.fatal) setStatus(`playback failed: ${data.details}`);
    });
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      setStatus(`playing ${asset} with signed ${mode === "url" ? "URLs" : "cookies"}`);
      video.play().catch((error) => setStatus(`play() refused: ${error.message}`));
    });
    hls.loadSource(session.masterUrl);
    hls.attachMedia(video);
  } catch (error) {
    player.errors.push(String(error));
    setStatus(String(error));
  }
}

async function pollStatus() {
  try {
    const response = await fetch("/api/status");
    if (response.ok) {
      const status = await response.json();
      player.activeKeyId = status.activeKeyId;
      player.trustedKeyIds = status.trustedKeyIds;
      player.rotations = status.rotations;
      player.edgeRejected = status.edge.rejected;
      player.edgeMetrics = status.edge.metrics || {};
      render();
    }
  } catch {
    // The stack is restarting or gone; the next poll tries again.
  }
  setTimeout(pollStatus, 1000);
}

function render() {
  $("active-key").textContent = player.activeKeyId || "–";
  $("trusted-keys").textContent = (player.trustedKeyIds || []).join(", ") || "–";
  $("renewals").textContent = String(player.renewals);
  $("rejected").textContent = String(player.rejected);
  $("rejected").classList.toggle("bad", player.rejected > 0);
  $("edge-rejected").textContent = String(player.edgeRejected);
  $("edge-rejected").classList.toggle("bad", player.edgeRejected > 0);
  $("edge-metrics").replaceChildren(
    ...Object.entries(player.edgeMetrics || {}).map(([name, value]) => item(`${name}: ${value}`)),
  );
  $("codecs").textContent = `${CODECS}: ${player.codecsSupported ? "playable" : "NOT playable"}`;
  $("rotations").replaceChildren(
    ...player.rotations.map((rotation) =>
      item(`${rotation.at.slice(11, 19)} ${rotation.previousKeyId || "–"} → ${rotation.activeKeyId}`),
    ),
  );
  $("by-key").replaceChildren(
    ...Object.entries(player.byKey).map(([keyId, count]) => item(`${keyId}: ${count}`)),
  );
  $("requests").replaceChildren(
    ...player.recent.map((entry) => {
      const row = document.createElement("tr");
      if (entry.status === 403) row.className = "rejected";
      row.replaceChildren(
        ...[entry.at, entry.file, entry.status, entry.keyId, entry.via].map((value) => cell(value)),
      );
      return row;
    }),
  );
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

function cell(value) {
  const td = document.createElement("td");
  td.textContent = String(value);
  return td;
}

$("controls").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  start(String(form.get("mode")), String(form.get("asset")));
});

const ASSET_LABELS = { ts: "MPEG-TS", fmp4: "fMP4 / CMAF" };

/** The asset choices are the app's catalog (the folders the origin serves, e.g. with --media). */
async function loadCatalog() {
  try {
    const response = await fetch("/api/assets");
    if (!response.ok) return;
    const { assets } = await response.json();
    if (assets.length === 0)
      return setStatus("The media folder holds no asset (a subfolder with master.m3u8).");
    $("controls").elements.asset.replaceChildren(
      ...assets.map((name) => {
        const option = document.createElement("option");
        option.value = name;
        option.textContent = ASSET_LABELS[name] || name;
        return option;
      }),
    );
  } catch {
    // Keep the built-in choices; the session request will say what is wrong.
  }
}

async function init() {
  const query = new URLSearchParams(window.location.search);
  await loadCatalog();
  for (const name of ["mode", "asset"]) {
    if (query.has(name)) $("controls").elements[name].value = query.get(name);
  }
  render();
  pollStatus();
  if (query.get("autoplay") === "1")
    start($("controls").elements.mode.value, $("controls").elements.asset.value);
}

init();
