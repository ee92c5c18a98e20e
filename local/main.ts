/**
 * `npm start`: the whole system on loopback. Prints the page URL, runs until
 * Ctrl-C or SIGTERM, then closes every server and the rotation schedule.
 */
import { OptionsError, USAGE, parseOptions } from "./options";
import { startLocalStack } from "./stack";

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof OptionsError) {
      console.error(`npm start: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  const stack = await startLocalStack(options);
  const { urls } = stack;
  console.log(
    [
      "",
      `signed-hls-cdn local stack (loopback only)`,
      `  player page   ${urls.page}            <- open this`,
      `  edge          ${urls.edge}    (CloudFront stand-in: signed URLs/cookies, *._m3u8 manifest handler)`,
      `  signer API    ${urls.signer}    (signing Lambda Function URL stand-in, bearer token held by the app)`,
      `  origin        ${urls.origin}    (${options.mediaDir}${options.live ? ", VOD looped as live" : ""})`,
      `  keys          ${options.stateDir ?? "in memory only"}; rotation every ${options.rotateEverySeconds} s, URLs live ${options.urlLifetimeSeconds} s`,
      `Ctrl-C stops.`,
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      console.log(`\n${signal}: stopping the local stack`);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await stack.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const inUse = (error as NodeJS.ErrnoException)?.code === "EADDRINUSE";
    const hint = inUse ? " (another program holds the port: pass --port N or LOCAL_PORT=N, or --port 0)" : "";
    console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}${hint}`);
    process.exit(1);
  },
);
