#!/bin/sh
# Generates the local stack's sample stream: a short, loopable, AES-128
# encrypted HLS asset in two packagings (MPEG-TS and fMP4/CMAF), three video
# renditions each with muxed AAC audio, every file of an asset in one folder
# so one folder-scoped signature covers it; a single-file fMP4 package with
# byte ranges; and a title in a packager's layout (sub-folders, alternate
# audio, subtitles, a shared keys/ folder).
#
#   local/make-sample.sh [OUTPUT_DIR]     default: local/sample (next to this script)
#
# Output: OUTPUT_DIR/ts/ and OUTPUT_DIR/fmp4/, each with master.m3u8,
# stream_<n>.m3u8, segments and enc.key; OUTPUT_DIR/byterange/ with master.m3u8,
# stream_0.m3u8 and stream_0.mp4; OUTPUT_DIR/show/ in a packager's layout (see
# package_layout). Needs ffmpeg and ffprobe 5.1 or later: the ones FFMPEG and
# FFPROBE name, else the system's (Debian: apt-get install ffmpeg), else FFmpeg 5.1
# as WebAssembly from the dev dependency @ffmpeg/core (scripts/ffmpeg-wasm, slower);
# and node (the project's runtime).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/sample"}
seconds=${SAMPLE_SECONDS:-6}
segment_seconds=2
fps=24

if [ -z "${FFMPEG:-}${FFPROBE:-}" ] && ! { command -v ffmpeg && command -v ffprobe; } >/dev/null 2>&1 &&
  [ -d "$here/../node_modules/@ffmpeg/core" ]; then
  echo "make-sample: no system ffmpeg and ffprobe: using FFmpeg 5.1 as WebAssembly (scripts/ffmpeg-wasm)" >&2
  FFMPEG="$here/../scripts/ffmpeg-wasm/ffmpeg"
  FFPROBE="$here/../scripts/ffmpeg-wasm/ffprobe"
fi
ffmpeg=${FFMPEG:-ffmpeg}
ffprobe=${FFPROBE:-ffprobe}
for tool in "$ffmpeg" "$ffprobe" node; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make-sample: $tool is not installed" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# One content key for both packagings; the key URI is relative so it resolves
# next to the media playlists (same folder, same signature scope). The IV is
# explicit because the origin's live loop renumbers segments, and an implicit
# IV (the media sequence number) would then no longer decrypt them.
head -c 16 /dev/urandom >"$work/enc.key"
key_hex=$(od -An -tx1 -v "$work/enc.key" | tr -d ' \n')
iv_hex=$(head -c 16 /dev/urandom | od -An -tx1 -v | tr -d ' \n')
printf 'enc.key\n%s\n%s\n' "$work/enc.key" "$iv_hex" >"$work/key-info"

package() { # $1: ts | fmp4
  kind=$1
  dir="$out/$kind"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$work/enc.key" "$dir/enc.key"
  if [ "$kind" = fmp4 ]; then
    # ffmpeg's HLS muxer cannot encrypt fMP4 (yet): package in clear, then encrypt below.
    set -- -hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4 -hls_segment_filename "$dir/stream_%v_%03d.m4s"
  else
    set -- -hls_segment_type mpegts -hls_segment_filename "$dir/stream_%v_%03d.ts" -hls_key_info_file "$work/key-info"
  fi
  # testsrc draws a frame counter, so a stall or a loop is visible on the page.
  "$ffmpeg" -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc=size=640x360:rate=$fps:duration=$seconds" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$seconds" \
    -filter_complex "[0:v]split=3[a][b][c];[a]scale=256:144[v0];[b]scale=426:240[v1];[c]copy[v2]" \
    -map "[v0]" -map "[v1]" -map "[v2]" -map 1:a -map 1:a -map 1:a \
    -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -threads 1 \
    -g $((fps * segment_seconds)) -keyint_min $((fps * segment_seconds)) -sc_threshold 0 \
    -b:v:0 70k -maxrate:v:0 90k -bufsize:v:0 180k \
    -b:v:1 130k -maxrate:v:1 170k -bufsize:v:1 340k \
    -b:v:2 240k -maxrate:v:2 300k -bufsize:v:2 600k \
    -c:a aac -b:a 32k -ac 1 \
    -var_stream_map "v:0,a:0 v:1,a:1 v:2,a:2" \
    -f hls -hls_time "$segment_seconds" -hls_playlist_type vod -hls_flags independent_segments \
    -master_pl_name master.m3u8 \
    "$@" "$dir/stream_%v.m3u8"
}

# AES-128 (RFC 8216 4.3.2.4): each whole segment AES-128-CBC with PKCS#7 padding
# (what `openssl enc -aes-128-cbc` writes; node's crypto does it without the openssl CLI).
# The key tag goes after EXT-X-MAP, so the init section stays in clear.
encrypt_fmp4() {
  dir="$out/fmp4"
  node -e '
    const { createCipheriv } = require("node:crypto");
    const { readFileSync, writeFileSync } = require("node:fs");
    const [key, iv, ...segments] = process.argv.slice(1);
    for (const segment of segments) {
      const cipher = createCipheriv("aes-128-cbc", Buffer.from(key, "hex"), Buffer.from(iv, "hex"));
      writeFileSync(segment, Buffer.concat([cipher.update(readFileSync(segment)), cipher.final()]));
    }' "$key_hex" "$iv_hex" "$dir"/*.m4s
  for playlist in "$dir"/stream_*.m3u8; do
    awk -v tag="#EXT-X-KEY:METHOD=AES-128,URI=\"enc.key\",IV=0x$iv_hex" \
      '{ print } /^#EXT-X-MAP:/ { print tag; done = 1 } END { if (!done) exit 1 }' "$playlist" >"$playlist.tmp"
    mv "$playlist.tmp" "$playlist"
  done
}

# A single-file fMP4 package, as many packagers write VOD: one rendition in one
# .mp4, every segment (and the init section: EXT-X-MAP BYTERANGE) a byte range of
# it, so a player and the edge work with Range requests (RFC 8216 4.3.2.2, 4.3.2.5).
# In clear: AES-128 encrypts whole resources, not ranges of one.
package_byterange() {
  dir="$out/byterange"
  rm -rf "$dir"
  mkdir -p "$dir"
  "$ffmpeg" -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc=size=256x144:rate=$fps:duration=$seconds" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$seconds" \
    -map 0:v -map 1:a \
    -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -threads 1 \
    -g $((fps * segment_seconds)) -keyint_min $((fps * segment_seconds)) -sc_threshold 0 \
    -b:v 70k -maxrate 90k -bufsize 180k -c:a aac -b:a 32k -ac 1 \
    -var_stream_map "v:0,a:0" \
    -f hls -hls_time "$segment_seconds" -hls_playlist_type vod -hls_flags independent_segments+single_file \
    -hls_segment_type fmp4 -hls_segment_filename "$dir/stream_%v.mp4" \
    -master_pl_name master.m3u8 "$dir/stream_%v.m3u8"
}

# The layout packagers write for a real title: renditions in sub-folders
# (video/144p/, video/240p/), alternate audio in its own rendition
# (audio/en/, which ffmpeg ends with one short extra segment), WebVTT subtitles
# (subs/en/), an I-frame playlist (video/iframes/, see package_iframes), and
# the AES-128 key in a shared keys/ folder that every media
# playlist names as ../../keys/enc.key. All under one asset root, so one
# folder-scoped grant for the master covers it.
package_layout() {
  dir="$out/show"
  rm -rf "$dir"
  mkdir -p "$dir/keys" "$dir/subs/en"
  cp "$work/enc.key" "$dir/keys/enc.key"
  printf '../../keys/enc.key\n%s\n%s\n' "$work/enc.key" "$iv_hex" >"$work/layout-key-info"
  "$ffmpeg" -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc=size=640x360:rate=$fps:duration=$seconds" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$seconds" \
    -filter_complex "[0:v]split=2[a][b];[a]scale=256:144[v0];[b]scale=426:240[v1]" \
    -map "[v0]" -map "[v1]" -map 1:a \
    -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -threads 1 \
    -g $((fps * segment_seconds)) -keyint_min $((fps * segment_seconds)) -sc_threshold 0 \
    -b:v:0 70k -maxrate:v:0 90k -bufsize:v:0 180k \
    -b:v:1 130k -maxrate:v:1 170k -bufsize:v:1 340k \
    -c:a aac -b:a 32k -ac 1 \
    -var_stream_map "v:0,agroup:aud,name:video/144p v:1,agroup:aud,name:video/240p a:0,agroup:aud,name:audio/en,default:yes,language:en" \
    -f hls -hls_time "$segment_seconds" -hls_playlist_type vod -hls_flags independent_segments \
    -hls_segment_type mpegts -hls_key_info_file "$work/layout-key-info" \
    -hls_segment_filename "$dir/%v/seg_%03d.ts" -master_pl_name master.m3u8 "$dir/%v/index.m3u8"
  # WebVTT cues are timed against the video's MPEG-TS clock (RFC 8216 3.5: X-TIMESTAMP-MAP).
  pts=$("$ffprobe" -v error -allowed_extensions ALL -select_streams v:0 -show_entries stream=start_pts -of csv=p=0 \
    "$dir/video/144p/index.m3u8" | head -n 1)
  segments=$(( (seconds + segment_seconds - 1) / segment_seconds ))
  {
    printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:%s\n#EXT-X-PLAYLIST-TYPE:VOD\n' "$segment_seconds"
    index=0
    while [ "$index" -lt "$segments" ]; do
      start=$((index * segment_seconds))
      name=$(printf 'seg_%03d.vtt' "$index")
      printf 'WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:%s,LOCAL:00:00:00.000\n\n00:00:%02d.000 --> 00:00:%02d.000\nSeconds %s to %s\n' \
        "$pts" "$start" "$((start + segment_seconds))" "$start" "$((start + segment_seconds))" >"$dir/subs/en/$name"
      printf '#EXTINF:%s.000,\n%s\n' "$segment_seconds" "$name"
      index=$((index + 1))
    done
    printf '#EXT-X-ENDLIST\n'
  } >"$dir/subs/en/index.m3u8"
  awk '/^#EXT-X-STREAM-INF:/ { print $0 ",SUBTITLES=\"subs\""; next }
       { print }
       /^#EXT-X-MEDIA:TYPE=AUDIO/ { print "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",NAME=\"English\",LANGUAGE=\"en\",DEFAULT=NO,AUTOSELECT=YES,URI=\"subs/en/index.m3u8\"" }' \
    "$dir/master.m3u8" >"$dir/master.m3u8.tmp"
  mv "$dir/master.m3u8.tmp" "$dir/master.m3u8"
  package_iframes "$dir"
}

# An I-frame playlist (RFC 8216 4.3.3.6 EXT-X-I-FRAMES-ONLY, 4.3.4.3
# EXT-X-I-FRAME-STREAM-INF), which ffmpeg's HLS muxer does not write: every
# keyframe a byte range of one video-only MPEG-TS file, found by ffprobe's packet
# positions (a keyframe runs up to the next video packet), and the PAT/PMT the
# muxer writes first as the EXT-X-MAP, so each I-frame decodes on its own. Same
# picture and GOP as the 144p rendition, so its keyframes fall at the same times.
# In clear, like the byterange package: AES-128 encrypts whole resources
# (RFC 8216 4.3.2.4), and a range of an encrypted file does not decrypt alone.
package_iframes() { # $1: the title's folder
  iframes="$1/video/iframes"
  mkdir -p "$iframes"
  "$ffmpeg" -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc=size=640x360:rate=$fps:duration=$seconds" -vf scale=256:144 -an \
    -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -threads 1 \
    -g $((fps * segment_seconds)) -keyint_min $((fps * segment_seconds)) -sc_threshold 0 \
    -b:v 70k -maxrate 90k -bufsize 180k -f mpegts "$iframes/iframes.ts"
  size=$(wc -c <"$iframes/iframes.ts")
  "$ffprobe" -v error -select_streams v -show_packets -show_entries packet=pts_time,pos,flags -of compact=p=0 \
    "$iframes/iframes.ts" >"$work/iframe-packets"
  awk -F'|' -v seconds="$seconds" -v size="$size" -v target="$segment_seconds" '
    function field(name,   i) { for (i = 1; i <= NF; i++) if (index($i, name "=") == 1) return substr($i, length(name) + 2); return "" }
    field("pos") == "" { next }
    { pos = field("pos") + 0 }
    keys > 0 && ends[keys] == "" { ends[keys] = pos }
    field("flags") ~ /^K/ { keys++; starts[keys] = pos; times[keys] = field("pts_time") + 0 }
    END {
      if (keys == 0) exit 1
      if (ends[keys] == "") ends[keys] = size
      times[keys + 1] = times[1] + seconds
      print "#EXTM3U\n#EXT-X-VERSION:5\n#EXT-X-TARGETDURATION:" target "\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-I-FRAMES-ONLY"
      print "#EXT-X-MAP:URI=\"iframes.ts\",BYTERANGE=\"" starts[1] "@0\""
      for (k = 1; k <= keys; k++) {
        duration = times[k + 1] - times[k]
        length_ = ends[k] - starts[k]
        if (length_ * 8 / duration > peak) peak = length_ * 8 / duration
        printf "#EXTINF:%.6f,\n#EXT-X-BYTERANGE:%d@%d\niframes.ts\n", duration, length_, starts[k]
      }
      print "#EXT-X-ENDLIST"
      printf "%d\n", peak + 0.999 > "/dev/stderr"
    }' "$work/iframe-packets" >"$iframes/index.m3u8" 2>"$work/iframe-peak"
  codecs=$(sed -n 's/^#EXT-X-STREAM-INF:.*RESOLUTION=256x144,CODECS="\(avc1\.[0-9a-f]*\),.*/\1/p' "$1/master.m3u8")
  printf '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=%s,RESOLUTION=256x144,CODECS="%s",URI="video/iframes/index.m3u8"\n' \
    "$(cat "$work/iframe-peak")" "$codecs" >>"$1/master.m3u8"
}

package ts
package fmp4
encrypt_fmp4
package_byterange
package_layout
echo "make-sample: wrote $out/ts, $out/fmp4, $out/byterange and $out/show ($(du -sk "$out" | cut -f1) KiB)"
