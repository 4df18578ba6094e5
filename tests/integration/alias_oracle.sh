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

for tool in apt-get apt-cache dpkg-deb depmod modprobe awk xargs xz; do
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

# kmod_resolve ROOT VER QUERIES SENTINEL OUT: modprobe -R of every query,
# one answer per line (modules in kmod's order, each once).
kmod_resolve() {
	[ "$(modprobe -C /dev/null -d "$1" -S "$2" -R "$4")" = "$4" ] ||
	    fail "modprobe -R $4 does not print $4"
	awk -v s="$4" '{ print; print s }' "$3" |
	    xargs -d '\n' modprobe -C /dev/null -d "$1" -S "$2" -a -R -- \
	    >"$5.raw" 2>/dev/null || true
	awk -v s="$4" '
		$0 == s { print line; line = ""; delete seen; next }
		!($0 in seen) { seen[$0] = 1; line = line == "" ? $0 : line " " $0 }' \
	    "$5.raw" >"$5"
	[ "$(wc -l <"$5")" -eq "$(wc -l <"$3")" ] ||
	    fail "kmod answered $(wc -l <"$5") of $(wc -l <"$3") queries"
}

# compare LABEL QUERIES KMOD OURS: the same set of modules for every query
# ('-' and '_' are one in module names); the order is compared and reported.
compare() {
	[ "$(wc -l <"$4")" -eq "$(wc -l <"$2")" ] ||
	    fail "alias-resolve answered $(wc -l <"$4") of $(wc -l <"$2") queries"
	paste -d '\t' "$2" "$3" "$4" |
	awk -F '\t' -v label="$1" '
		function canon(s,   n, a, i, j, t) {
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
			printf "%s: compared %d aliases with kmod: %d matched modules (%d module names in all), %d disagreements, %d in another order\n",
			    label, NR, matched, mods, bad, order
			exit bad > 0
		}' || fail "our matcher disagrees with kmod ($1)"
}

# A module without aliases marks the end of each answer.
sentinel=$(awk '$1 == "alias" { a[$3] = 1 } END {
	while ((getline n < names) > 0) if (!(n in a)) { print n; exit } }' \
    names="$ORACLE/module-names" "$ALIASES")
[ -n "$sentinel" ] || fail "no module without aliases to use as a separator"
kmod_resolve "$ROOT" "$VER" "$SCRATCH/queries" "$sentinel" "$SCRATCH/kmod.out"
t1=$(date +%s)
"$BUILD_DIR/tests/alias-resolve" "$ALIASES" <"$SCRATCH/queries" >"$SCRATCH/ours.out"
t2=$(date +%s)
compare "$(cat "$ORACLE/package")" "$SCRATCH/queries" "$SCRATCH/kmod.out" \
    "$SCRATCH/ours.out"

# The batch is only a faster way to ask: one modprobe -R per query gives the
# same answers (checked on every 500th query).
awk 'NR % 500 == 1' "$SCRATCH/queries" >"$SCRATCH/sample"
while IFS= read -r q; do
	modprobe -C /dev/null -d "$ROOT" -S "$VER" -R -- "$q" 2>/dev/null |
	    awk '!($0 in s) { s[$0] = 1; l = l == "" ? $0 : l " " $0 } END { print l }'
done <"$SCRATCH/sample" >"$SCRATCH/single.out"
awk 'NR % 500 == 1' "$SCRATCH/kmod.out" | diff -u - "$SCRATCH/single.out" >&2 ||
    fail "modprobe -R alone answers differently from modprobe -a -R"
echo "single modprobe -R calls agree with the batch on $(wc -l <"$SCRATCH/sample") queries"

# The corners: fake modules carrying tests/oracle/edge.alias, indexed by
# depmod, answered by modprobe.  Needs a C compiler.
command -v cc >/dev/null 2>&1 || skip "no C compiler for the edge fixture"
EDGE=$SCRATCH/edge/lib/modules/0.0-edge
mkdir -p "$EDGE/kernel"
awk -v dir="$SCRATCH/edge" '
	# A C string literal for s: backslashes and quotes as octal escapes.
	function cstr(s,   out, i, c) {
		out = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "\\")
				out = out "\\134"
			else if (c == "\"")
				out = out "\\042"
			else
				out = out c
		}
		return out
	}
	$1 != "alias" { next }
	{
		m = $3
		if (!(m in seen)) { seen[m] = 1; order[n++] = m }
		src[m] = src[m] sprintf("__attribute__((section(\".modinfo\"), used)) " \
		    "static const char a%d[] = \"alias=%s\";\n", NR, cstr($2))
	}
	END {
		order[n++] = "sentinel_mod"
		src["sentinel_mod"] = "int sentinel_mod;\n"
		for (i = 0; i < n; i++) {
			printf "%s", src[order[i]] > (dir "/" order[i] ".c")
			print "kernel/" order[i] ".ko" > (dir "/modules.order")
		}
	}' "$SOURCE_DIR/tests/oracle/edge.alias"
for c in "$SCRATCH"/edge/*.c; do
	m=$(basename "$c" .c)
	cc -c "$c" -o "$EDGE/kernel/$m.ko" || fail "cannot compile $c"
done
mv "$SCRATCH/edge/modules.order" "$EDGE/modules.order"
depmod -b "$SCRATCH/edge" 0.0-edge 2>/dev/null
awk -f "$SOURCE_DIR/tests/oracle/queries.awk" "$EDGE/modules.alias" |
    cat - "$SOURCE_DIR/tests/oracle/edge.queries" | sort -u |
    awk '
	BEGIN { split("dash_mod bracket_range bracket_negated bracket_caret bracket_class question bs_mod stars trailing_star dup_one dup_two bracket_first zeta alpha unmatched bracket_bracket lead_star sentinel_mod", n, " "); for (i in n) mod[n[i]] = 1 }
	{ q = $0; gsub(/-/, "_", q) }
	q in mod { next }
	{ print }' >"$SCRATCH/edge.queries"
kmod_resolve "$SCRATCH/edge" 0.0-edge "$SCRATCH/edge.queries" sentinel_mod \
    "$SCRATCH/edge.kmod"
"$BUILD_DIR/tests/alias-resolve" "$EDGE/modules.alias" \
    <"$SCRATCH/edge.queries" >"$SCRATCH/edge.ours" 2>"$SCRATCH/edge.err"
compare "edge fixture" "$SCRATCH/edge.queries" "$SCRATCH/edge.kmod" \
    "$SCRATCH/edge.ours"
[ "$(grep -c 'unmatched bracket' "$SCRATCH/edge.err")" -eq 6 ] ||
    fail "the six patterns kmod drops were not reported: $(cat "$SCRATCH/edge.err")"
echo "time: queries and kmod $((t1 - t0)) s, alias-resolve $((t2 - t1)) s"
