#!/bin/sh
# guests/qemu/run.sh GUEST.bin [SECONDS]: runs a guest's flat image under QEMU's TCG as a check of
# the guest itself (not of uhv), entered as uhv enters it (boot.s). COM1 goes to stdout, the
# debug exit device sits at 0xf4 like uhv's: QEMU's exit status is (v << 1) | 1; 0 after a
# triple fault (-no-reboot); 124 on the timeout (default 20 s). Needs qemu-system-x86_64 (checked
# with 10.0; 7.2 lacks RF in fault frames and int1), GNU as and ld.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
as --32 -o "$tmp/boot.o" "$here/boot.s"
ld -m elf_i386 -T "$here/boot.ld" -o "$tmp/boot.elf" "$tmp/boot.o"
status=0
timeout "${2:-20}" qemu-system-x86_64 -machine pc -accel tcg -cpu max -m 64M -display none \
    -monitor none -no-reboot -kernel "$tmp/boot.elf" -initrd "$1" -serial stdio \
    -device isa-debug-exit,iobase=0xf4,iosize=4 || status=$?
echo "status $status" >&2
exit $status
