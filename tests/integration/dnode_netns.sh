# Sourced first by the dnode tests that send: run the script again in a
# private network namespace, where the events it multicasts reach only its
# own monitor, and other tests' multicasts do not reach it.  The kernel's
# own uevents still reach every namespace: the tests pick their events out
# by a DNODE_TEST tag.
if [ -z "${DNODE_IN_NETNS:-}" ] && [ "$(id -u)" = 0 ] &&
    unshare -n true 2>/dev/null; then
	DNODE_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
