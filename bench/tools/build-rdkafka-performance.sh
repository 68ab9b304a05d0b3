#!/bin/sh
# Builds librdkafka's own load generator, rdkafka_performance, from Debian's librdkafka source
# package, against the installed librdkafka (same version), into ${1:-/tmp/rdkafka-perf}.
# Needs root for apt-get. The benchmarks use it when present and say so when not.
set -eu
out=${1:-/tmp/rdkafka-perf}
mkdir -p "$out"
# source packages come from the same place as the machine's binary ones
if [ ! -f /etc/apt/sources.list.d/debian-src.sources ]; then
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > /etc/apt/sources.list.d/debian-src.sources
fi
apt-get update -qq
apt-get install -y -qq dpkg-dev librdkafka-dev zlib1g-dev >/dev/null
cd "$out"
[ -d librdkafka-* ] || apt-get source -qq librdkafka
src=$(ls -d "$out"/librdkafka-*/ | head -1)
(cd "$src" && ./configure --disable-ssl --disable-gssapi --disable-lz4-ext --disable-zstd --disable-curl >/dev/null)
gcc -O2 -I"$src/src" -o "$out/rdkafka_performance" "$src/examples/rdkafka_performance.c" -lrdkafka -lpthread -lz -lm 2>/dev/null
echo "$out/rdkafka_performance"
