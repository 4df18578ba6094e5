#!/bin/sh
# Compare the symlinks udev made under /dev with the ones hotplug2 made, as
# recorded by udev_record (tests/oracle/udev_lib.sh): "LINK -> TARGET" lines,
# LINK relative to /dev, TARGET as readlink gave it.  A link is compared by
# the device it points at: a relative TARGET is resolved against LINK's
# directory, an absolute one is taken below /dev, so "../../vda" and
# "/dev/vda" are the same target.  Links matching a pattern of the
# differences file are reported as intentional and do not fail the
# comparison; every other difference does.
#
# usage: udev_compare.sh UDEV_LIST HOTPLUG2_LIST DIFFERENCES_FILE
#        udev_compare.sh --self-check
# Prints a table per directory (udev, hotplug2, matched, only-udev,
# only-hotplug2, target-differs, intentional), then every difference.
# Exit status: 0 equal but for intentional differences; 1 they differ;
# 2 unreadable input or bad usage.
#
# The differences file: one "PATTERN REASON..." per line; # starts a
# comment.  PATTERN is a glob on LINK: * matches any characters (a slash
# too), ? one character.
set -eu

compare() {
	for f in "$1" "$2" "$3"; do
		[ -r "$f" ] || { echo "udev_compare: cannot read $f" >&2; return 2; }
	done
	awk -v udev_file="$1" -v hp_file="$2" -v diff_file="$3" '
	# normalize(PATH): PATH without "." and "x/.." steps.
	function normalize(path,   n, parts, out, i, k) {
		n = split(path, parts, "/")
		k = 0
		for (i = 1; i <= n; i++) {
			if (parts[i] == "" || parts[i] == ".")
				continue
			if (parts[i] == ".." && k > 0 && stack[k] != "..") {
				k--
				continue
			}
			stack[++k] = parts[i]
		}
		out = ""
		for (i = 1; i <= k; i++)
			out = out (i > 1 ? "/" : "") stack[i]
		return out
	}
	function resolve(link, target,   dir) {
		if (target ~ /^\//) {
			sub(/^\/+dev\//, "", target)
			return normalize(target)
		}
		dir = link
		if (dir ~ /\//)
			sub(/\/[^\/]*$/, "", dir)
		else
			dir = ""
		return normalize(dir "/" target)
	}
	function directory(link,   dir) {
		dir = link
		if (dir !~ /\//)
			return "."
		sub(/\/[^\/]*$/, "", dir)
		return dir
	}
	# glob_regex(GLOB): an anchored regular expression for GLOB.
	function glob_regex(glob,   out, i, c) {
		out = "^"
		for (i = 1; i <= length(glob); i++) {
			c = substr(glob, i, 1)
			if (c == "*")
				out = out ".*"
			else if (c == "?")
				out = out "."
			else if (c ~ /[A-Za-z0-9_\/-]/)
				out = out c
			else
				out = out "[" c "]"
		}
		return out "$"
	}
	function intentional(link,   i) {
		for (i = 1; i <= npat; i++)
			if (link ~ pat[i])
				return reason[i]
		return ""
	}
	function load(file, side,   line, link, target, n) {
		n = 0
		while ((getline line < file) > 0) {
			if (line == "")
				continue
			if (index(line, " -> ") == 0) {
				printf "udev_compare: %s: not \"LINK -> TARGET\": %s\n", file, line > "/dev/stderr"
				bad = 1
				continue
			}
			link = substr(line, 1, index(line, " -> ") - 1)
			target = substr(line, index(line, " -> ") + 4)
			sub(/^\/+/, "", link)
			sub(/^dev\//, "", link)
			to[side, link] = resolve(link, target)
			seen[link] = 1
			dirs[directory(link)] = 1
			count[side, directory(link)]++
			n++
		}
		close(file)
		return n
	}
	BEGIN {
		npat = 0
		while ((getline line < diff_file) > 0) {
			sub(/^[ \t]+/, "", line)
			if (line == "" || line ~ /^#/)
				continue
			p = line
			sub(/[ \t].*/, "", p)
			r = line
			sub(/^[^ \t]+[ \t]*/, "", r)
			npat++
			pat[npat] = glob_regex(p)
			reason[npat] = (r == "" ? "(no reason given)" : r)
		}
		close(diff_file)
		load(udev_file, "u")
		load(hp_file, "h")
		if (bad)
			exit 2
		for (link in seen) {
			d = directory(link)
			inu = (("u", link) in to)
			inh = (("h", link) in to)
			if (inu && inh && to["u", link] == to["h", link]) {
				matched[d]++
				continue
			}
			why = intentional(link)
			if (!inu)
				what = sprintf("only hotplug2: %s -> %s", link, to["h", link])
			else if (!inh)
				what = sprintf("only udev:     %s -> %s", link, to["u", link])
			else
				what = sprintf("target differs: %s -> %s (udev), %s (hotplug2)",
				    link, to["u", link], to["h", link])
			if (why != "") {
				held[d]++
				print "intentional " what "  [" why "]" | "sort >&2"
				continue
			}
			if (!inu) onlyh[d]++
			else if (!inh) onlyu[d]++
			else differs[d]++
			failed = 1
			print "DIFFERENT   " what | "sort >&2"
		}
		close("sort >&2")
		printf "%-22s %6s %8s %7s %9s %13s %14s %11s\n", "directory", "udev",
		    "hotplug2", "matched", "only-udev", "only-hotplug2",
		    "target-differs", "intentional"
		for (d in dirs)
			printf "%-22s %6d %8d %7d %9d %13d %14d %11d\n", d,
			    count["u", d], count["h", d], matched[d], onlyu[d],
			    onlyh[d], differs[d], held[d] | "sort"
		close("sort")
		for (d in dirs) {
			tu += count["u", d]; th += count["h", d]; tm += matched[d]
			tou += onlyu[d]; toh += onlyh[d]; td += differs[d]; ti += held[d]
		}
		printf "%-22s %6d %8d %7d %9d %13d %14d %11d\n", "total", tu, th, tm,
		    tou, toh, td, ti
		exit failed ? 1 : 0
	}'
}

# The comparator must be able to fail: fixed pairs of lists, each with the
# exit status it must give.
self_check() {
	t=$(mktemp -d "${TMPDIR:-/tmp}/udev-compare.XXXXXX")
	trap 'rm -rf "$t"' EXIT
	printf '%s\n' 'char/1:3 -> ../null' 'disk/by-id/virtio-a -> ../../vda' \
	    'cdrom -> sr0' >"$t/base"
	: >"$t/none"
	echo 'disk/by-diskseq/* the sequence numbers count every disk since boot' >"$t/held"
	failures=0
	# case NAME WANT UDEV HOTPLUG2 DIFFERENCES
	check() {
		rc=0
		compare "$3" "$4" "$5" >"$t/out" 2>&1 || rc=$?
		if [ "$rc" = "$2" ]; then
			echo "self-check: $1: exit $rc as expected"
		else
			echo "self-check: FAIL: $1: exit $rc, want $2" >&2
			sed 's/^/  | /' "$t/out" >&2
			failures=$((failures + 1))
		fi
	}
	check "equal lists" 0 "$t/base" "$t/base" "$t/none"
	printf '%s\n' 'cdrom -> /dev/sr0' 'disk/by-id/virtio-a -> ../../vda' \
	    'char/1:3 -> ../char/../null' >"$t/same-targets"
	check "the same targets spelt otherwise" 0 "$t/base" "$t/same-targets" "$t/none"
	head -n 2 "$t/base" >"$t/short"
	check "a link only udev made" 1 "$t/base" "$t/short" "$t/none"
	check "a link only hotplug2 made" 1 "$t/short" "$t/base" "$t/none"
	sed 's/vda$/vdb/' "$t/base" >"$t/other"
	check "a link to another device" 1 "$t/base" "$t/other" "$t/none"
	check "no links from hotplug2 at all" 1 "$t/base" "$t/none" "$t/none"
	{ cat "$t/base"; echo 'disk/by-diskseq/1 -> ../../vda'; } >"$t/seq"
	check "an intentional difference" 0 "$t/seq" "$t/base" "$t/held"
	sed 's/vda$/vdb/' "$t/seq" >"$t/seq-other"
	check "an intentional difference beside a real one" 1 "$t/seq" "$t/seq-other" "$t/held"
	echo 'no arrow here' >"$t/garbage"
	check "a malformed line" 2 "$t/garbage" "$t/base" "$t/none"
	check "a missing file" 2 "$t/base" "$t/missing" "$t/none"
	[ "$failures" = 0 ] || { echo "self-check: $failures case(s) failed" >&2; return 1; }
	echo "self-check: the comparator passes equal lists and fails each kind of difference"
}

case ${1:-} in
--self-check) self_check ;;
*)
	[ $# = 3 ] || {
		echo "usage: udev_compare.sh UDEV_LIST HOTPLUG2_LIST DIFFERENCES_FILE" >&2
		echo "       udev_compare.sh --self-check" >&2
		exit 2
	}
	compare "$@"
	;;
esac
