/* hotplug2-testd: the real daemon (daemon.c) over the recording script double. */
#include "daemon.h"

int
main(int argc, char *argv[])
{
	return daemon_main(argc, argv);
}
