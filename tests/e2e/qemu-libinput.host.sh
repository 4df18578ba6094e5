# Host side of tests/e2e/qemu-libinput.guest.sh: once libinput listens,
# hot-add a virtio keyboard.
guest_wait listening 300 || return 1
monitor "device_add virtio-keyboard-pci,id=hotkbd" || return 1
guest_wait done 300
