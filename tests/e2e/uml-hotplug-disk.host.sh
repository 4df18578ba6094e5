# Host side of the UML hot-plug tests: hot-add a disk as ubdb, then remove it.
guest_wait ready
truncate -s 8M "$E2E_SCRATCH/disk.img" || return 1
mconsole config "ubdb=$E2E_SCRATCH/disk.img" || return 1
guest_wait added
mconsole remove ubdb
