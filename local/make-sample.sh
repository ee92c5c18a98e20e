#!/bin/sh
# Generates the local stack's sample stream: a short, loopable, AES-128
# encrypted HLS asset in two packagings (MPEG-TS and fMP4/CMAF), three video
# renditions each with muxed AAC audio, every file of an asset in one folder
# so one folder-scoped signature covers it; and a single-file fMP4 package
# with byte ranges.
#
#   local/make-sample.sh [OUTPUT_DIR]     default: local/sample (next to this script)
#
# Output: OUTPUT_DIR/ts/ and OUTPUT_DIR/fmp4/, each with master.m3u8,
# stream_<n>.m3u8, segments and enc.key; OUTPUT_DIR/byterange/ with master.m3u8,
# stream_0.m3u8 and stream_0.mp4. Needs ffmpeg (Debian: apt-get install ffmpeg).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/sample"}
seconds=${SAMPLE_SECONDS:-6}
segment_seconds=2
fps=24

for tool in ffmpeg openssl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make-sample: $tool is not installed (apt-get install $tool)" >&2; exit 1; }
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
  ffmpeg -hide_banner -loglevel error -y \
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

# AES-128 (RFC 8216 4.3.2.4): each whole segment AES-128-CBC with PKCS#7 padding.
# The key tag goes after EXT-X-MAP, so the init section stays in clear.
encrypt_fmp4() {
  dir="$out/fmp4"
  for segment in "$dir"/*.m4s; do
    openssl enc -aes-128-cbc -K "$key_hex" -iv "$iv_hex" -in "$segment" -out "$segment.enc"
    mv "$segment.enc" "$segment"
  done
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
  ffmpeg -hide_banner -loglevel error -y \
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

package ts
package fmp4
encrypt_fmp4
package_byterange
echo "make-sample: wrote $out/ts, $out/fmp4 and $out/byterange ($(du -sk "$out" | cut -f1) KiB)"
