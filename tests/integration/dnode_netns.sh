# Sourced first by the dnode tests that send: run the script again in a
# private network namespace, where its uevent multicasts reach only its own
# monitor, and no other test's events or the kernel's reach it.
if [ -z "${DNODE_IN_NETNS:-}" ] && [ "$(id -u)" = 0 ] &&
    unshare -n true 2>/dev/null; then
	DNODE_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
