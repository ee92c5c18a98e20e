/**
 * Which media playlists loop together: the renditions of one asset, found as
 * the playlists named by the master playlist (in the playlist's folder or a
 * folder above it, up to the origin's root) that names the requested one.
 * A playlist no master names is an asset of its own.
 */
import { readFile, readdir } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { attributeValue, scanAttributes } from "../functions/hls/attributes";

/** The files (absolute paths) of the media playlists that share `playlistFile`'s master; itself first. */
export async function assetRenditions(root: string, playlistFile: string): Promise<string[]> {
  const base = resolve(root);
  let folder = dirname(playlistFile);
  while (folder === base || folder.startsWith(base + sep)) {
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names.filter((entry) => entry.toLowerCase().endsWith(".m3u8")).sort()) {
      const text = await readFile(join(folder, name), "utf8").catch(() => "");
      const named = masterReferences(text).flatMap((reference) => {
        const file = resolve(folder, reference);
        return file.startsWith(base + sep) ? [file] : [];
      });
      if (named.includes(playlistFile))
        return [playlistFile, ...new Set(named.filter((file) => file !== playlistFile))];
    }
    if (folder === base) break;
    folder = dirname(folder);
  }
  return [playlistFile];
}

/**
 * The relative playlist references of a master playlist (variant URI lines,
 * EXT-X-MEDIA and EXT-X-I-FRAME-STREAM-INF URI attributes), without query or
 * fragment; none for a media playlist or an absolute URL (another host).
 */
export function masterReferences(text: string): string[] {
  if (!/^#EXT-X-STREAM-INF:/m.test(text)) return [];
  const references: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    let reference: string | undefined;
    if (line.startsWith("#EXT-X-MEDIA:") || line.startsWith("#EXT-X-I-FRAME-STREAM-INF:")) {
      const start = line.indexOf(":") + 1;
      reference = attributeValue(line, scanAttributes(line, start), "URI");
    } else if (line !== "" && !line.startsWith("#")) reference = line;
    const path = reference?.split(/[?#]/)[0];
    if (path && !/^[A-Za-z][A-Za-z0-9+.-]*:|^\/\//.test(path) && !path.startsWith("/")) references.push(path);
  }
  return references;
}
