#!/bin/sh
# Compare the tags of two udev databases as "udevadm info --export-db"
# prints them: udevd's (the oracle) and hotplug2's, read by the same
# udevadm.  Every device either one tags is compared: its TAGS and
# CURRENT_TAGS (as sets) and its ID_FOR_SEAT, ID_SEAT and ID_PATH_TAG
# (the names logind reads).  Prints one line per difference and a summary
# with how many devices were compared and matched, and how many carry each
# tag; exits 1 on any difference.
# usage: udev_tags.sh UDEV_EXPORT HOTPLUG2_EXPORT
#        udev_tags.sh --self-check
set -u

# One line per device: "DEVPATH<TAB>KEY=VALUE|KEY=VALUE...", tag lists sorted.
records() {
	awk '
	function flush() {
		if (dev != "") print dev "\t" fields
		dev = ""; fields = ""
	}
	function sorted(v,   n, a, i, j, t, out) {
		n = split(v, a, ":")
		out = ""
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		for (i = 1; i <= n; i++) if (a[i] != "") out = out ":" a[i]
		return out == "" ? "" : out ":"
	}
	/^P: / { flush(); dev = substr($0, 4); next }
	/^$/ { flush(); next }
	/^E: (TAGS|CURRENT_TAGS)=/ {
		kv = substr($0, 4); k = kv; sub(/=.*/, "", k); v = kv; sub(/^[^=]*=/, "", v)
		fields = fields "|" k "=" sorted(v); next
	}
	/^E: (ID_FOR_SEAT|ID_SEAT|ID_PATH_TAG)=/ { fields = fields "|" substr($0, 4); next }
	END { flush() }' "$1"
}

compare() {
	records "$1" >"$tmp/a"
	records "$2" >"$tmp/b"
	awk -F '\t' '
	function get(s, k,   n, a, i) {
		n = split(s, a, "|")
		for (i = 1; i <= n; i++) if (index(a[i], k "=") == 1) return substr(a[i], length(k) + 2)
		return ""
	}
	NR == FNR { udev[$1] = $2; next }
	{ hp2[$1] = $2 }
	END {
		for (d in udev) seen[d] = 1
		for (d in hp2) seen[d] = 1
		split("TAGS CURRENT_TAGS ID_FOR_SEAT ID_SEAT ID_PATH_TAG", keys, " ")
		compared = 0; matched = 0; bad = 0
		for (d in seen) {
			if (get(udev[d], "TAGS") == "" && get(hp2[d], "TAGS") == "") continue
			compared++
			same = 1
			for (i = 1; i <= 5; i++) {
				k = keys[i]
				if (get(udev[d], k) != get(hp2[d], k)) {
					same = 0
					printf "differ: %s %s: udev \"%s\", hotplug2 \"%s\"%s\n", d, k, get(udev[d], k),
					    get(hp2[d], k), (d in hp2) ? "" : " (no entry)"
				}
			}
			if (same) matched++
			else bad++
			n = split(get(udev[d], "TAGS"), tl, ":")
			for (i = 1; i <= n; i++) if (tl[i] != "") count[tl[i]]++
		}
		line = ""
		for (tg in count) line = line " " tg "=" count[tg]
		printf "tags: %d devices tagged compared, %d matched, %d differ; udev'"'"'s tags:%s\n",
		    compared, matched, bad, line
		exit bad > 0
	}' "$tmp/a" "$tmp/b"
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ "${1:-}" = --self-check ]; then
	printf 'P: /devices/a\nE: TAGS=:seat:uaccess:\nE: CURRENT_TAGS=:uaccess:seat:\nE: ID_FOR_SEAT=x-y\n\nP: /devices/b\nE: TAGS=:seat:\n\n' >"$tmp/u"
	printf 'P: /devices/a\nE: TAGS=:uaccess:seat:\nE: CURRENT_TAGS=:seat:uaccess:\nE: ID_FOR_SEAT=x-y\n\nP: /devices/b\nE: TAGS=:seat:\n\n' >"$tmp/same"
	printf 'P: /devices/a\nE: TAGS=:uaccess:\nE: CURRENT_TAGS=:uaccess:\nE: ID_FOR_SEAT=x-y\n\n' >"$tmp/fewer"
	printf 'P: /devices/a\nE: TAGS=:seat:uaccess:\nE: CURRENT_TAGS=:seat:uaccess:\nE: ID_FOR_SEAT=x-z\n\nP: /devices/b\nE: TAGS=:seat:\n\nP: /devices/c\nE: TAGS=:seat:\n\n' >"$tmp/more"
	compare "$tmp/u" "$tmp/same" >/dev/null || { echo "udev_tags.sh: self-check: equal databases differ" >&2; exit 1; }
	if compare "$tmp/u" "$tmp/fewer" >/dev/null; then echo "udev_tags.sh: self-check: a missing tag and device pass" >&2; exit 1; fi
	if compare "$tmp/u" "$tmp/more" >/dev/null; then echo "udev_tags.sh: self-check: an extra device and another ID_FOR_SEAT pass" >&2; exit 1; fi
	echo "udev_tags.sh: self-check passed (equal, missing, extra)"
	exit 0
fi
[ $# = 2 ] || { echo "usage: udev_tags.sh UDEV_EXPORT HOTPLUG2_EXPORT | --self-check" >&2; exit 100; }
compare "$1" "$2"
