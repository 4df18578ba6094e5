# Host side of the qemu harness proof: hot-add a second disk, then remove it.
guest_wait ready
printf '%s' "$E2E_MARK_VDB" >"$E2E_SCRATCH/vdb.img" &&
truncate -s 8M "$E2E_SCRATCH/vdb.img" || return 1
monitor "drive_add 0 if=none,id=hot1,format=raw,file=$E2E_SCRATCH/vdb.img" || return 1
monitor "device_add virtio-blk-pci,drive=hot1,id=hot1dev" || return 1
guest_wait added
monitor "device_del hot1dev"
