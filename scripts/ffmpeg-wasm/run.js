/**
 * ffmpeg and ffprobe 5.1 from the dev dependency @ffmpeg/core (FFmpeg compiled to
 * WebAssembly, inside its npm package), run by node as command-line programs over the
 * host's own files, for a machine with no system ffmpeg:
 *
 *   scripts/ffmpeg-wasm/ffmpeg ARGS...      scripts/ffmpeg-wasm/ffprobe ARGS...
 *
 * Why by hand: @ffmpeg/core is built for browsers (a web worker, files in memory),
 * and no npm package ships a native ffmpeg newer than a 2018 snapshot that cannot
 * write the sample's playlists. This file gives the worker build a `self`, and mounts
 * a small file system backed by node:fs at every top-level host folder, so absolute
 * and relative paths (and the paths inside key-info files and playlists) mean what
 * they mean to a native ffmpeg. What it cannot do: the network (no sockets: the
 * HTTP client tests use a native ffmpeg), threads, or binary output on stdout (text
 * lines only, which is what ffprobe prints); and it always overwrites outputs, as
 * with -y (@ffmpeg/core adds `-nostdin -y` to every ffmpeg run).
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const CORE = path.dirname(require.resolve("@ffmpeg/core"));

// Linux errno names -> Emscripten's numbers (its ERRNO_CODES), for the errors node:fs throws.
const EMSCRIPTEN_ERRNO = {
  EPERM: 63,
  ENOENT: 44,
  EIO: 29,
  EBADF: 8,
  EACCES: 2,
  EBUSY: 10,
  EEXIST: 20,
  EXDEV: 75,
  ENOTDIR: 54,
  EISDIR: 31,
  EINVAL: 28,
  EMFILE: 33,
  ENOSPC: 51,
  ESPIPE: 70,
  EROFS: 69,
  ENOTEMPTY: 55,
  ELOOP: 32,
  ENAMETOOLONG: 37,
};
// Open flags node:fs takes: Emscripten uses Linux's numbers (O_ACCMODE, O_CREAT, O_EXCL, O_TRUNC, O_APPEND).
const OPEN_FLAGS = 3 | 64 | 128 | 512 | 1024;
// Host folders not mounted: the wasm build's own /dev and /proc stay (ffmpeg reads /dev/urandom).
const NOT_MOUNTED = ["dev", "proc", "sys"];

/** The Emscripten file system type for host paths: every node names a host path, every call is node:fs. */
function hostFileSystem(FS) {
  const failed = (error) => {
    const errno = EMSCRIPTEN_ERRNO[error && error.code];
    if (errno === undefined) throw error;
    return new FS.ErrnoError(errno);
  };
  const hostPath = (node) => {
    const names = [];
    while (node.parent !== node) {
      names.push(node.name);
      node = node.parent;
    }
    return path.join(node.mount.opts.root, ...names.reverse());
  };
  const host = (call) => {
    try {
      return call();
    } catch (error) {
      throw failed(error);
    }
  };
  const createNode = (parent, name, mode, dev) => {
    const node = FS.createNode(parent, name, mode, dev);
    node.node_ops = nodeOps;
    node.stream_ops = streamOps;
    return node;
  };
  const nodeOps = {
    getattr(node) {
      const stat = host(() => fs.lstatSync(hostPath(node)));
      return { ...stat, blksize: stat.blksize || 4096, blocks: stat.blocks || 0 };
    },
    setattr(node, attr) {
      const file = hostPath(node);
      host(() => {
        if (attr.mode !== undefined) fs.chmodSync(file, attr.mode);
        if (attr.timestamp !== undefined)
          fs.utimesSync(file, new Date(attr.timestamp), new Date(attr.timestamp));
        if (attr.size !== undefined) fs.truncateSync(file, attr.size);
      });
    },
    lookup(parent, name) {
      const stat = host(() => fs.lstatSync(path.join(hostPath(parent), name)));
      return createNode(parent, name, stat.mode, 0);
    },
    mknod(parent, name, mode, dev) {
      const node = createNode(parent, name, mode, dev);
      const file = hostPath(node);
      host(() => (FS.isDir(mode) ? fs.mkdirSync(file, mode & 0o777) : fs.writeFileSync(file, "", { mode })));
      return node;
    },
    rename(oldNode, newDir, newName) {
      host(() => fs.renameSync(hostPath(oldNode), path.join(hostPath(newDir), newName)));
      try {
        FS.hashRemoveNode(FS.lookupNode(newDir, newName)); // the file the rename replaced
      } catch {
        // nothing was there
      }
      oldNode.name = newName;
      oldNode.parent = newDir;
    },
    unlink(parent, name) {
      host(() => fs.unlinkSync(path.join(hostPath(parent), name)));
    },
    rmdir(parent, name) {
      host(() => fs.rmdirSync(path.join(hostPath(parent), name)));
    },
    readdir(node) {
      return [".", "..", ...host(() => fs.readdirSync(hostPath(node)))];
    },
    symlink(parent, name, target) {
      host(() => fs.symlinkSync(target, path.join(hostPath(parent), name)));
    },
    readlink(node) {
      return host(() => fs.readlinkSync(hostPath(node)));
    },
  };
  const streamOps = {
    open(stream) {
      if (FS.isFile(stream.node.mode))
        stream.hostFd = host(() => fs.openSync(hostPath(stream.node), stream.flags & OPEN_FLAGS));
    },
    close(stream) {
      if (stream.hostFd !== undefined) host(() => fs.closeSync(stream.hostFd));
    },
    read(stream, heap, offset, length, position) {
      if (length === 0) return 0;
      return host(() => fs.readSync(stream.hostFd, heap, offset, length, position));
    },
    write(stream, heap, offset, length, position) {
      return host(() => fs.writeSync(stream.hostFd, heap, offset, length, position));
    },
    llseek(stream, offset, whence) {
      let position = offset;
      if (whence === 1) position += stream.position;
      else if (whence === 2 && FS.isFile(stream.node.mode))
        position += host(() => fs.fstatSync(stream.hostFd).size);
      if (position < 0) throw new FS.ErrnoError(EMSCRIPTEN_ERRNO.EINVAL);
      return position;
    },
  };
  return {
    mount(mount) {
      return createNode(null, "/", host(() => fs.statSync(mount.opts.root)).mode, 0);
    },
  };
}

/** Mounts each top-level host folder at its own path, so every path resolves as on the host. */
function mountHost(FS) {
  const type = hostFileSystem(FS);
  for (const name of fs.readdirSync("/")) {
    const at = `/${name}`;
    // A folder, or a link to one (/bin -> usr/bin on merged-/usr systems).
    if (NOT_MOUNTED.includes(name) || !fs.statSync(at, { throwIfNoEntry: false })?.isDirectory()) continue;
    if (!FS.analyzePath(at).exists) FS.mkdir(at);
    FS.mount(type, { root: at }, at);
  }
  FS.chdir(process.cwd());
}

/** Runs `program` (ffmpeg | ffprobe) with `args`; resolves with its exit status. */
async function run(program, args) {
  // The worker build reads self.location for its folder; the wasm comes as bytes instead.
  globalThis.self = { location: { href: `file://${CORE}/` } };
  const createFFmpegCore = require("@ffmpeg/core");
  const core = await createFFmpegCore({ wasmBinary: fs.readFileSync(path.join(CORE, "ffmpeg-core.wasm")) });
  core.setLogger(({ type, message }) => {
    // The runtime's own abort at the end of main is not ffmpeg's output.
    if (type === "stderr" && /^Aborted\(.*\)$/.test(message)) return;
    (type === "stdout" ? process.stdout : process.stderr).write(`${message}\n`);
  });
  mountHost(core.FS);
  if (program === "ffmpeg") return core.exec(...args);
  // core.ffprobe() drops ffprobe's exit status (its `ret` stays -1): call the export and keep main's return.
  const argv = [...core.DEFAULT_ARGS_FFPROBE, ...args];
  try {
    return core._ffprobe(argv.length, core.stringsToPtr(argv));
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("Aborted")) return core.ret === -1 ? 1 : core.ret;
    throw error;
  }
}

module.exports = { run };

if (require.main === module) {
  const [program, ...args] = process.argv.slice(2);
  if (program !== "ffmpeg" && program !== "ffprobe") {
    process.stderr.write("usage: node scripts/ffmpeg-wasm/run.js ffmpeg|ffprobe ARGS...\n");
    process.exit(2);
  }
  run(program, args).then(
    (status) => process.exit(status),
    (error) => {
      process.stderr.write(`ffmpeg-wasm: ${error && error.stack ? error.stack : error}\n`);
      process.exit(1);
    },
  );
}
