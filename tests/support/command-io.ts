/** A CommandIo that records what a command prints, for CLI tests. */
import type { CommandIo } from "../../cli/io";

export function capture(): CommandIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    now: () => Date.now() / 1000,
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  };
  return io;
}
