package dev.uhv.loader;

import static dev.uhv.loader.Messages.hex;
import static dev.uhv.loader.Messages.ram;

import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;

/**
 * Where a kernel that is not loaded as ELF says its bytes go: the a.out kludge fields of a multiboot
 * v1 header (flags bit 16, specification 3.1.3) or the address tag of a multiboot2 header (3.1.5),
 * which mean the same. The file offset that lands at load_addr is the header's offset minus
 * (header_addr - load_addr); load_end_addr 0 loads to the end of the file; the bytes from there up
 * to bss_end_addr (0: none) are zeroed. All 32-bit physical addresses.
 */
record MultibootAddresses(long headerAddr, long loadAddr, long loadEndAddr, long bssEndAddr) {

    /** The kernel's bytes in the file and in memory. */
    record Placement(long fileOffset, LoadedSegment segment) {
    }

    /**
     * Checks the fields against each other and the file, in the order QEMU's multiboot loader does.
     *
     * @param headerOffset where the header (whose address is header_addr) is in the file
     */
    Placement place(long headerOffset, long fileSize) throws ImageLoadException {
        if (headerAddr < loadAddr) {
            throw bad(String.format("header_addr %s is below load_addr %s", hex(headerAddr), hex(loadAddr)));
        }
        if (headerAddr - loadAddr > headerOffset) {
            throw bad(String.format("header_addr - load_addr (%s) is more than the header's file offset %s, so"
                    + " load_addr would come from before the start of the file", hex(headerAddr - loadAddr),
                    hex(headerOffset)));
        }
        long fileOffset = headerOffset - (headerAddr - loadAddr);
        long loadSize;
        if (loadEndAddr == 0) {
            loadSize = fileSize - fileOffset;
        } else if (loadEndAddr < loadAddr) {
            throw bad(String.format("load_end_addr %s is below load_addr %s", hex(loadEndAddr), hex(loadAddr)));
        } else {
            loadSize = loadEndAddr - loadAddr;
            if (!FileRange.within(fileOffset, loadSize, fileSize)) {
                throw bad(String.format("load_addr..load_end_addr (%s bytes from file offset %s) runs past the end of"
                        + " the file (%s bytes): the file is truncated", hex(loadSize), hex(fileOffset),
                        hex(fileSize)));
            }
        }
        long memorySize = loadSize;
        if (bssEndAddr != 0) {
            if (bssEndAddr < loadAddr + loadSize) {
                throw bad(String.format("bss_end_addr %s is below the end of the loaded bytes %s", hex(bssEndAddr),
                        hex(loadAddr + loadSize)));
            }
            memorySize = bssEndAddr - loadAddr;
        }
        return new Placement(fileOffset, new LoadedSegment(loadAddr, loadSize, memorySize));
    }

    /** Checks the placement against RAM, then copies the bytes and zeroes the bss. */
    LoadedSegment load(byte[] image, long headerOffset, GuestMemory ram) throws ImageLoadException {
        Placement p = place(headerOffset, image.length);
        LoadedSegment s = p.segment();
        if (!ram.contains(s.physicalAddress(), s.memorySize())) {
            throw new ImageLoadException(Reason.SEGMENT_OUTSIDE_RAM, String.format("the multiboot kernel loads at"
                    + " %s..%s (load_addr..bss_end_addr), outside %s: give more --mem", hex(s.physicalAddress()),
                    hex(s.end()), ram(ram)));
        }
        ram.write(s.physicalAddress(), image, (int) p.fileOffset(), (int) s.fileSize());
        ram.fill(s.physicalAddress() + s.fileSize(), s.memorySize() - s.fileSize(), (byte) 0);
        return s;
    }

    private static ImageLoadException bad(String what) {
        return new ImageLoadException(Reason.BAD_MULTIBOOT_HEADER, "bad multiboot address fields: " + what);
    }
}
