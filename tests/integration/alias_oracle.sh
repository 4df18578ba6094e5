#!/bin/sh
# The kmod oracle: on a Debian kernel's real modules.alias, our matcher must give the same module set as modprobe -R.
#
# Needs: apt-get and dpkg-deb (to fetch linux-image-*-amd64, pci.ids and
# usb.ids once), depmod and modprobe from kmod.  Everything fetched is
# kept in $HOTPLUG2_CACHE_DIR (default /var/cache/hotplug2, else
# $BUILD_DIR/cache), so later runs need no network.
#
# The queries: every pattern of the file instantiated several ways (and
# near misses of those), every PCI device and USB product of pci.ids and
# usb.ids with classes from their class lists, the real MODALIAS values of
# the sysfs-laptop fixture and of this machine's /sys.
#
# kmod answers them all in a few processes: `modprobe -a -R` resolves each
# argument on its own, exactly as `modprobe -R ARG` does (insmod_all calls
# the same lookup per argument), and a module name without aliases between
# two queries marks where one answer ends.  modprobe consults modules.dep
# names, modules.symbols and the builtin indexes besides modules.alias, so
# queries that are module names or symbol: lookups are left out, and the
# builtin indexes are removed from the oracle's copy: we compare matchers
# of modules.alias, nothing else.
. "$SOURCE_DIR/tests/integration/lib.sh"

for tool in apt-get apt-cache dpkg-deb depmod modprobe awk xargs; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done

CACHE=${HOTPLUG2_CACHE_DIR:-/var/cache/hotplug2}
if ! mkdir -p "$CACHE" 2>/dev/null || [ ! -w "$CACHE" ]; then
	CACHE=$BUILD_DIR/cache
	mkdir -p "$CACHE"
fi
ORACLE=$CACHE/kmod-oracle

# apt-get download, with one apt-get update when the lists are missing or stale.
download() {
	(cd "$1" && shift && apt-get download -q "$@" >/dev/null 2>&1) && return 0
	apt-get update -qq >/dev/null 2>&1 || true
	(cd "$1" && shift && apt-get download -q "$@" >/dev/null)
}

fetch() {
	rm -rf "$ORACLE.tmp"
	mkdir -p "$ORACLE.tmp/dl" "$ORACLE.tmp/ids"
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	    awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$pkg" ]; then
		apt-get update -qq >/dev/null 2>&1 || true
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		    awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	fi
	[ -n "$pkg" ] || skip "no linux-image-amd64 in the apt lists"
	echo "fetching $pkg, pci.ids and usb.ids"
	download "$ORACLE.tmp/dl" "$pkg" pci.ids usb.ids ||
	    skip "unable to download $pkg, pci.ids, usb.ids"
	mkdir "$SCRATCH/kernel"
	dpkg-deb -x "$ORACLE.tmp/dl/$pkg"_*.deb "$SCRATCH/kernel"
	ver=$(ls "$SCRATCH/kernel/lib/modules")
	depmod -b "$SCRATCH/kernel" "$ver"
	mkdir -p "$ORACLE.tmp/root/lib/modules/$ver"
	cp "$SCRATCH/kernel/lib/modules/$ver"/modules.* \
	    "$ORACLE.tmp/root/lib/modules/$ver/"
	rm -f "$ORACLE.tmp/root/lib/modules/$ver/modules.builtin.alias.bin" \
	    "$ORACLE.tmp/root/lib/modules/$ver/modules.builtin.bin"
	find "$SCRATCH/kernel/lib/modules/$ver" -name '*.ko*' |
	    sed 's,.*/,,; s,\.ko.*,,; s,-,_,g' | sort -u >"$ORACLE.tmp/module-names"
	rm -rf "$SCRATCH/kernel"
	for d in "$ORACLE.tmp"/dl/pci.ids_*.deb "$ORACLE.tmp"/dl/usb.ids_*.deb; do
		dpkg-deb -x "$d" "$SCRATCH/ids"
	done
	cp "$(find "$SCRATCH/ids" -name pci.ids -type f | head -n 1)" \
	    "$ORACLE.tmp/ids/pci.ids"
	cp "$(find "$SCRATCH/ids" -name usb.ids -type f | head -n 1)" \
	    "$ORACLE.tmp/ids/usb.ids"
	echo "$ver" >"$ORACLE.tmp/version"
	echo "$pkg" >"$ORACLE.tmp/package"
	rm -rf "$ORACLE.tmp/dl" "$ORACLE"
	mv "$ORACLE.tmp" "$ORACLE"
}

[ -f "$ORACLE/version" ] || fetch
VER=$(cat "$ORACLE/version")
ROOT=$ORACLE/root
ALIASES=$ROOT/lib/modules/$VER/modules.alias
echo "kernel $(cat "$ORACLE/package") ($VER), $(grep -c '^alias ' "$ALIASES") alias lines; $(modprobe --version | head -n 1)"

# Real modaliases: the laptop fixture and this machine.
fixture=$SOURCE_DIR/../shared/fixtures/sysfs-laptop.tar.xz
: >"$SCRATCH/real"
if [ -f "$fixture" ]; then
	mkdir "$SCRATCH/laptop"
	tar -xJf "$fixture" -C "$SCRATCH/laptop"
	find "$SCRATCH/laptop" -name uevent -type f -exec cat {} + |
	    sed -n 's/^MODALIAS=//p' >>"$SCRATCH/real"
	find "$SCRATCH/laptop" -name modalias -type f -exec cat {} + >>"$SCRATCH/real"
fi
find /sys/devices -name modalias -type f -exec cat {} + 2>/dev/null >>"$SCRATCH/real" || true

t0=$(date +%s)
# Queries kmod would answer from elsewhere than modules.alias are left out.
awk -f "$SOURCE_DIR/tests/oracle/queries.awk" "$ALIASES" "$ORACLE/ids/pci.ids" \
    "$ORACLE/ids/usb.ids" "$SCRATCH/real" | sort -u |
    awk -v names="$ORACLE/module-names" '
	BEGIN { while ((getline n < names) > 0) mod[n] = 1 }
	{ q = $0; gsub(/-/, "_", q) }
	q in mod || /^symbol:/ { next }
	{ print }' >"$SCRATCH/queries"
nq=$(wc -l <"$SCRATCH/queries")
[ "$nq" -ge 1000 ] || fail "only $nq queries made"

# A module without aliases marks the end of each answer.
sentinel=$(awk '$1 == "alias" { a[$3] = 1 } END {
	while ((getline n < names) > 0) if (!(n in a)) { print n; exit } }' \
    names="$ORACLE/module-names" "$ALIASES")
[ -n "$sentinel" ] || fail "no module without aliases to use as a separator"
[ "$(modprobe -C /dev/null -d "$ROOT" -S "$VER" -R "$sentinel")" = "$sentinel" ] ||
    fail "modprobe -R $sentinel does not print $sentinel"

awk -v s="$sentinel" '{ print; print s }' "$SCRATCH/queries" |
    xargs -d '\n' modprobe -C /dev/null -d "$ROOT" -S "$VER" -a -R -- \
    >"$SCRATCH/kmod.raw" 2>/dev/null || true
awk -v s="$sentinel" '
	$0 == s { print line; line = ""; delete seen; next }
	!($0 in seen) { seen[$0] = 1; line = line == "" ? $0 : line " " $0 }' \
    "$SCRATCH/kmod.raw" >"$SCRATCH/kmod.out"
t1=$(date +%s)
"$BUILD_DIR/tests/alias-resolve" "$ALIASES" <"$SCRATCH/queries" >"$SCRATCH/ours.out"
t2=$(date +%s)

[ "$(wc -l <"$SCRATCH/kmod.out")" -eq "$nq" ] ||
    fail "kmod answered $(wc -l <"$SCRATCH/kmod.out") of $nq queries"
[ "$(wc -l <"$SCRATCH/ours.out")" -eq "$nq" ] ||
    fail "alias-resolve answered $(wc -l <"$SCRATCH/ours.out") of $nq queries"

# Same set of modules for every query ('-' and '_' are one in module names);
# the order is compared too, and reported.
paste -d '\t' "$SCRATCH/queries" "$SCRATCH/kmod.out" "$SCRATCH/ours.out" |
awk -F '\t' '
	function canon(s,   n, a, i, j, t) {
		gsub(/-/, "_", s)
		n = split(s, a, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		s = ""
		for (i = 1; i <= n; i++)
			s = s (i > 1 ? " " : "") a[i]
		return s
	}
	{
		k = $2; o = $3
		gsub(/-/, "_", k); gsub(/-/, "_", o)
		if (k != "") { matched++; mods += split(k, x, " ") }
		if (canon(k) != canon(o)) {
			bad++
			if (bad <= 20)
				printf "MISMATCH %s\n  kmod: %s\n  ours: %s\n", $1, k, o
		} else if (k != o) {
			order++
			if (order <= 5)
				printf "order differs for %s\n  kmod: %s\n  ours: %s\n", $1, k, o
		}
	}
	END {
		printf "compared %d aliases with kmod: %d matched modules (%d module names in all), %d disagreements, %d with another order\n",
		    NR, matched, mods, bad, order
		exit bad > 0
	}' || fail "our matcher disagrees with kmod"
echo "time: queries and kmod $((t1 - t0)) s, alias-resolve $((t2 - t1)) s"
