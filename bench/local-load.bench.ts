/**
 * Load on the local stack, bounded in viewers and time, on loopback: many
 * concurrent viewers play the live loop in signed-URL mode as the page does
 * (session from the app, master through the edge, a rendition's playlist
 * reloaded, new segments and the key fetched, the session renewed before it
 * expires) while keys rotate. Prints the 403 count (must be 0; the run fails
 * otherwise) and the edge's playlist latency percentiles next to the same
 * playlist served unsigned by the origin server, measured in the same run.
 */
import { Agent, request } from "node:http";
import { spawn } from "node:child_process";
import { join } from "node:path";

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 60);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 30) * 1000;
const RELOAD_MS = 1000;
/** 2 + 8 + 1 <= 12: two rotations in a 30 s run. */
const STACK = {
  "--rotate-every": 12,
  "--url-lifetime": 8,
  "--key-cache-ttl": 1,
  "--key-max-stale": 2,
  "--clock-skew": 1,
};

const agent = new Agent({ keepAlive: true, maxSockets: VIEWERS * 2 });
const counts = { playlists: 0, segments: 0, keys: 0, sessions: 0, rejected: 0, otherErrors: 0 };
const edgeMs: number[] = [];
const unsignedMs: number[] = [];
const rejections: string[] = [];
const failures: string[] = [];

interface Reply {
  status: number;
  body: Buffer;
  ms: number;
}

/** GET over keep-alive to 127.0.0.1 with the URL's own Host (the edge verifies the host viewers use). */
function get(url: string, init: { method?: string; body?: string } = {}, retried = false): Promise<Reply> {
  const parsed = new URL(url);
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: parsed.host };
    if (init.body) headers["content-type"] = "application/json";
    const req = request(
      {
        host: "127.0.0.1",
        port: parsed.port,
        path: parsed.pathname + parsed.search,
        method: init.method ?? "GET",
        headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          if (res.statusCode === 403) {
            counts.rejected++;
            if (rejections.length < 5)
              rejections.push(`${parsed.pathname}: ${String(res.headers["x-local-edge-reason"])}`);
          } else if (res.statusCode !== 200) counts.otherErrors++;
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms });
        });
        res.on("error", reject);
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed as we reused it: retry once on a fresh one, as browsers do.
      if (!retried && req.reusedSocket && error.code === "ECONNRESET") resolve(get(url, init, true));
      else reject(error);
    });
    req.end(init.body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const uris = (playlist: string) => playlist.split(/\r?\n/).filter((line) => line && !line.startsWith("#"));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Loads the session's master through the edge; the chosen rendition's URL, or undefined on an error (counted). */
async function openMaster(sessionBody: Buffer, variant: number) {
  const { masterUrl, renewInSeconds } = JSON.parse(sessionBody.toString()) as {
    masterUrl: string;
    renewInSeconds: number;
  };
  const master = await get(masterUrl);
  counts.playlists++;
  const child = master.status === 200 ? uris(master.body.toString())[variant] : undefined;
  return child === undefined ? undefined : { childUrl: new URL(child, masterUrl).toString(), renewInSeconds };
}

async function viewer(index: number, pageUrl: string, originUrl: string, deadline: number): Promise<void> {
  const asset = index % 2 === 0 ? "ts" : "fmp4";
  const variant = index % 3;
  let childUrl = "";
  let renewAt = 0;
  let lastSequence = -1;
  // Spread the start so viewers do not reload in lockstep.
  await sleep((index * RELOAD_MS) / VIEWERS);
  while (Date.now() < deadline) {
    try {
      lastSequence = await step();
    } catch (error) {
      counts.otherErrors++;
      if (failures.length < 5) failures.push((error as Error).message);
    }
    await sleep(RELOAD_MS);
  }

  /** One reload: renew the session when due, reload the playlist, fetch what is new; returns the last sequence fetched. */
  async function step(): Promise<number> {
    if (Date.now() >= renewAt) {
      const session = await get(new URL("/api/session", pageUrl).toString(), {
        method: "POST",
        body: JSON.stringify({ mode: "url", asset }),
      });
      counts.sessions++;
      const opened = session.status === 200 ? await openMaster(session.body, variant) : undefined;
      if (opened) {
        childUrl = opened.childUrl;
        renewAt = Date.now() + opened.renewInSeconds * 1000;
      } else if (!childUrl) {
        return lastSequence; // no session yet: the next step retries (the error is counted)
      }
    }
    const playlist = await get(childUrl);
    counts.playlists++;
    edgeMs.push(playlist.ms);
    unsignedMs.push((await get(`${originUrl}/${asset}/stream_${variant}.m3u8`)).ms);
    if (playlist.status !== 200) return lastSequence;
    const text = playlist.body.toString();
    const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
    const segments = uris(text);
    // Segments numbered after the last one fetched; a new viewer starts with the newest.
    const fresh =
      lastSequence < 0 ? segments.slice(-1) : segments.filter((_, at) => sequence + at > lastSequence);
    if (fresh.length > 0) {
      const key = /URI="([^"]*enc\.key[^"]*)"/.exec(text)?.[1];
      if (key) {
        await get(new URL(key, childUrl).toString());
        counts.keys++;
      }
      for (const segment of fresh) {
        await get(new URL(segment, childUrl).toString());
        counts.segments++;
      }
    }
    return sequence + segments.length - 1;
  }
}

interface StackProcess {
  readonly page: string;
  readonly origin: string;
  stop(): Promise<void>;
}

/** `npm start` in its own process (the load client must not share the server's event loop), on ephemeral ports. */
function startStackProcess(): Promise<StackProcess> {
  const args = [
    "-r",
    "ts-node/register/transpile-only",
    join(__dirname, "../local/main.ts"),
    "--port",
    "0",
    "--no-state",
  ];
  for (const [flag, value] of Object.entries(STACK)) args.push(flag, String(value));
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`the stack did not start in 60 s:\n${output}`)), 60_000);
    child.once("exit", (code) => reject(new Error(`the stack exited (${code}):\n${output}`)));
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const page = /player page\s+(\S+)/.exec(output)?.[1];
      const origin = /origin\s+(\S+)/.exec(output)?.[1];
      if (page && origin && output.includes("Ctrl-C")) {
        clearTimeout(timer);
        resolve({ page, origin, stop: () => (child.kill("SIGTERM"), exited) });
      }
    });
  });
}

async function status(page: string): Promise<{ rotations: unknown[]; edge: { rejected: number } }> {
  return JSON.parse((await get(new URL("/api/status", page).toString())).body.toString());
}

async function main(): Promise<void> {
  const stack = await startStackProcess();
  try {
    const before = await status(stack.page);
    const deadline = Date.now() + DURATION_MS;
    await Promise.all(
      Array.from({ length: VIEWERS }, (_, index) => viewer(index, stack.page, stack.origin, deadline)),
    );
    const after = await status(stack.page);
    const rotations = after.rotations.length - before.rotations.length;
    const edgeRejected = after.edge.rejected - before.edge.rejected;
    const edge = [...edgeMs].sort((a, b) => a - b);
    const unsigned = [...unsignedMs].sort((a, b) => a - b);
    const row = (sorted: number[]) =>
      [50, 95, 99].map((p) => `p${p} ${percentile(sorted, p).toFixed(2)} ms`).join("  ");
    const flags = Object.entries(STACK)
      .map(([flag, value]) => `${flag} ${value}`)
      .join(" ");
    console.log(
      `local-load: ${VIEWERS} viewers x ${DURATION_MS / 1000} s on loopback against \`npm start ${flags}\` (live loop, signed URLs)`,
    );
    console.log(
      `  rotations during the run: ${rotations}; sessions ${counts.sessions}; playlists ${counts.playlists}; segments ${counts.segments}; keys ${counts.keys}`,
    );
    console.log(
      `  403s: viewers ${counts.rejected}, edge ${edgeRejected} (target 0)${rejections.length ? `  e.g. ${rejections.join(" | ")}` : ""}; other failures: ${counts.otherErrors}${failures.length ? `  e.g. ${failures.join(" | ")}` : ""}`,
    );
    console.log(
      `  edge ._m3u8 (verify, manifest handler: raw fetch through the edge, sign, rewrite)  ${row(edge)}  (n=${edge.length})`,
    );
    console.log(
      `  same playlist unsigned from the origin server, same run                        ${row(unsigned)}  (n=${unsigned.length})`,
    );
    console.log(
      `  ratio signed edge / unsigned: ${[50, 95, 99].map((p) => `p${p} ${(percentile(edge, p) / percentile(unsigned, p)).toFixed(1)}x`).join("  ")}`,
    );
    if (counts.rejected > 0 || edgeRejected > 0 || counts.otherErrors > 0 || rotations < 1)
      process.exitCode = 1;
  } finally {
    agent.destroy();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
