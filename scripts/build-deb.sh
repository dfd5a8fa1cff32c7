#!/usr/bin/env bash
# Builds the Debian package dist/vtep-kdp_VERSION_ARCH.deb on a fresh
# Debian 12 machine: the daemon, its systemd unit and settings, the
# vtep-kdp(8) page, and the Swift runtime libraries it links (a Swift
# program needs them, and Debian has no package of them).
#
#   scripts/build-deb.sh            install what is missing, build, package
#   apt-get install ./dist/vtep-kdp_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >/dev/null

# The same build the tests run against (scripts/test-all.sh), so after
# them this is only a check that it is current. It carries -enable-testing
# (internal symbols stay visible to the tests); a separate build without it
# would rebuild every module (minutes of CI); what the flag costs at run
# time has not been measured.
swift build -c release -Xswiftc -enable-testing --product vtep-kdp 2>&1 | tail -n 1
binary=.build/release/vtep-kdp

version=$(sed -n 's/.*static let number = "\(.*\)".*/\1/p' Sources/vtep-kdp/Version.swift)
arch=$(dpkg --print-architecture)
root=.build/deb/vtep-kdp_${version}_${arch}
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/usr/sbin" "$root/usr/lib/vtep-kdp" "$root/lib/systemd/system" "$root/etc/default" \
    "$root/usr/share/man/man8" "$root/usr/share/doc/vtep-kdp"

# The daemon, looking for the Swift runtime in /usr/lib/vtep-kdp only.
install -m 0755 "$binary" "$root/usr/sbin/vtep-kdp"
strip --strip-unneeded "$root/usr/sbin/vtep-kdp"
patchelf --set-rpath /usr/lib/vtep-kdp "$root/usr/sbin/vtep-kdp"
# Each library the loader finds in the Swift toolchain is carried along;
# the others are Debian's, and become the package's dependencies.
swift_libs=$(ldd "$binary" | awk '$3 ~ /^\// {print $3}' | grep '/swift/' || true)
system_libs=$(ldd "$binary" | awk '$3 ~ /^\// {print $3}' | grep -v '/swift/' || true)
for lib in $swift_libs; do
    install -m 0644 "$lib" "$root/usr/lib/vtep-kdp/"
    strip --strip-unneeded "$root/usr/lib/vtep-kdp/$(basename "$lib")"
    patchelf --set-rpath /usr/lib/vtep-kdp "$root/usr/lib/vtep-kdp/$(basename "$lib")"
done
owners=""
for lib in $system_libs; do
    owner=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null) \
        || { echo "build-deb: no Debian package owns $lib, which vtep-kdp links" >&2; exit 1; }
    owners+="${owner%%:*}"$'\n'
done
depends=$(sort -u <<<"$owners" | sed '/^$/d' | paste -sd, | sed 's/,/, /g')

install -m 0644 packaging/vtep-kdp.service "$root/lib/systemd/system/vtep-kdp.service"
install -m 0644 packaging/vtep-kdp.default "$root/etc/default/vtep-kdp"
gzip -9n < docs/vtep-kdp.8 > "$root/usr/share/man/man8/vtep-kdp.8.gz"
cat > "$root/usr/share/doc/vtep-kdp/copyright" <<COPYRIGHT
vtep-kdp: a VXLAN tunnel endpoint on the openvswitch kernel datapath.
Built from its source repository (README.md there tells how).

/usr/lib/vtep-kdp holds the Swift runtime and Foundation libraries of the
Swift $(swift --version 2>/dev/null | sed -n 's/.*Swift version \([^ ]*\).*/\1/p' | head -n1) toolchain, by the Swift project authors, under the
Apache License 2.0 with the Runtime Library Exception
(https://swift.org/LICENSE.txt); lib_FoundationICU.so carries ICU, under
the Unicode License v3 (https://www.unicode.org/license.txt).
COPYRIGHT

install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
echo /etc/default/vtep-kdp > "$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
    packaging/debian/control.in > "$root/DEBIAN/control"

mkdir -p dist
dpkg-deb --root-owner-group -Zxz --build "$root" "dist/vtep-kdp_${version}_${arch}.deb" >/dev/null
echo "build-deb: dist/vtep-kdp_${version}_${arch}.deb ($(du -h "dist/vtep-kdp_${version}_${arch}.deb" | cut -f1)): depends on $depends, openvswitch-common"
