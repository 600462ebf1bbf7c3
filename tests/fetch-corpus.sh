#!/bin/sh
#
# tests/fetch-corpus.sh [BUILDDIR] -- fetch real i386 code for the
# disassembler's corpus test (tests/unit/disasm_corpus.c): Debian's
# statically linked busybox, into BUILDDIR/tests/corpus/busybox (BUILDDIR
# defaults to the current directory, where make check runs the unit tests).
#
# Needs apt-get and dpkg-deb (Debian or Ubuntu), and root for the one-time
# "dpkg --add-architecture i386" and "apt-get update".  The test runs without
# this file too: it then says that it skipped busybox, and why.

set -eu

builddir=${1:-.}
dest=$builddir/tests/corpus
pkg=busybox-static:i386

if [ -f "$dest/busybox" ]; then
    echo "fetch-corpus: $dest/busybox is already there"
    exit 0
fi
for tool in apt-get dpkg dpkg-deb; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "fetch-corpus: $tool not found: this script needs Debian's package tools" >&2
        exit 1
    }
done

if [ "$(id -u)" -eq 0 ]; then
    as_root=
else
    as_root=sudo
fi

# A list that fails to download (a mirror in sync) need not stop us: the
# download below says whether busybox's was among them.
update() {
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
        echo "fetch-corpus: apt-get update had errors; trying anyway" >&2
}

# apt-get download finds an i386 package only once i386 is a known
# architecture and its package lists are in.
if ! dpkg --print-foreign-architectures | grep -qx i386; then
    echo "fetch-corpus: adding the i386 architecture to dpkg"
    $as_root dpkg --add-architecture i386
    update
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/glassvm-corpus.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && apt-get download -q "$pkg"); then
    update
    (cd "$tmp" && apt-get download -q "$pkg")
fi
dpkg-deb -x "$tmp"/busybox-static_*_i386.deb "$tmp/root"
mkdir -p "$dest"
cp "$tmp/root/bin/busybox" "$dest/busybox"
echo "fetch-corpus: $dest/busybox ($(wc -c < "$dest/busybox") bytes)"
