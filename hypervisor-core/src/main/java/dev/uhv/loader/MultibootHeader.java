package dev.uhv.loader;

import static dev.uhv.loader.Messages.hex;

import dev.uhv.loader.ImageLoadException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A multiboot (version 1) header as the Multiboot Specification 0.6.96 lays it out (3.1.1 "The
 * layout of Multiboot header"): magic, flags and checksum, 4-byte aligned and wholly within the first
 * 8192 bytes of the file; with flags bit 16 (the "a.out kludge") the address fields follow (3.1.3).
 *
 * @param offset    the header's offset in the file
 * @param flags     what the kernel requires (bits 0-15) and offers (bits 16-31) (3.1.2)
 * @param addresses the address fields, or null unless flags bit 16 is set
 * @param entry     entry_addr, meaningful with flags bit 16 only
 */
record MultibootHeader(int offset, int flags, MultibootAddresses addresses, long entry) {

    static final int MAGIC = 0x1BADB002;
    /** The header must lie within the first 8 KiB of the image (3.1.1). */
    static final int SEARCH_LIMIT = 8192;

    /** Flags bit 0: modules must be page (4 KiB) aligned. uhv aligns them always. */
    static final int PAGE_ALIGN_MODULES = 1;
    /** Flags bit 1: the kernel wants mem_* (and the memory map, if there is one). uhv always gives them. */
    static final int MEMORY_INFO = 1 << 1;
    /** Flags bit 2: the kernel wants a video mode and the video fields; uhv has no display. */
    static final int VIDEO_MODE = 1 << 2;
    /** Flags bit 16: the address fields are valid; load from them rather than the ELF headers. */
    static final int AOUT_KLUDGE = 1 << 16;

    /** Bits 0-15 are requirements: a boot loader that does not know one must refuse the kernel (3.1.2). */
    private static final int REQUIRED_BITS = 0xffff;
    private static final int KNOWN_REQUIRED_BITS = PAGE_ALIGN_MODULES | MEMORY_INFO | VIDEO_MODE;

    /** magic, flags, checksum. */
    private static final int BASE_SIZE = 12;
    /** header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr. */
    private static final int ADDRESS_FIELDS_SIZE = 20;

    /**
     * The first header in the image: a 4-byte aligned magic within the first 8 KiB whose checksum
     * adds up (magic + flags + checksum == 0 mod 2^32); null when there is none. Like QEMU, a magic
     * with a wrong checksum is skipped and the search goes on.
     */
    static MultibootHeader find(byte[] image) {
        int at = magicOffset(image, true);
        if (at < 0) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int flags = b.getInt(at + 4);
        if ((flags & AOUT_KLUDGE) == 0 || at + BASE_SIZE + ADDRESS_FIELDS_SIZE > image.length) {
            return new MultibootHeader(at, flags, null, 0); // check() refuses a kludge header cut short
        }
        int fields = at + BASE_SIZE;
        return new MultibootHeader(at, flags, new MultibootAddresses(u32(b, fields), u32(b, fields + 4),
                u32(b, fields + 8), u32(b, fields + 12)), u32(b, fields + 16));
    }

    /**
     * The offset of the first v1 magic in the first 8 KiB, 4-byte aligned, or -1.
     *
     * @param checksummed only one whose checksum adds up
     */
    static int magicOffset(byte[] image, boolean checksummed) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int limit = Math.min(image.length, SEARCH_LIMIT);
        for (int at = 0; at + BASE_SIZE <= limit; at += 4) {
            if (b.getInt(at) == MAGIC && (!checksummed || MAGIC + b.getInt(at + 4) + b.getInt(at + 8) == 0)) {
                return at;
            }
        }
        return -1;
    }

    boolean hasAoutKludge() {
        return (flags & AOUT_KLUDGE) != 0;
    }

    boolean wantsVideoMode() {
        return (flags & VIDEO_MODE) != 0;
    }

    /**
     * Refuses a header whose requirements uhv does not know (3.1.2: the boot loader must fail) and
     * a kludge header whose address fields run past the first 8 KiB or the file.
     */
    MultibootHeader check() throws ImageLoadException {
        int unknown = flags & REQUIRED_BITS & ~KNOWN_REQUIRED_BITS;
        if (unknown != 0) {
            throw new ImageLoadException(Reason.MULTIBOOT_UNSUPPORTED, String.format("the multiboot header at %s"
                    + " requires flags %s (bits 0-15 of flags %s), which uhv does not know; it knows bits 0"
                    + " (page-aligned modules), 1 (memory information) and 2 (video mode, given no video)",
                    hex(offset), hex(unknown), hex(Integer.toUnsignedLong(flags))));
        }
        if (hasAoutKludge() && (addresses == null || offset + BASE_SIZE + ADDRESS_FIELDS_SIZE > SEARCH_LIMIT)) {
            throw new ImageLoadException(Reason.BAD_MULTIBOOT_HEADER, String.format("the multiboot header at %s"
                    + " sets flags bit 16 (address fields), but its 32 bytes do not fit in the first 8 KiB of the"
                    + " file: the image is truncated or corrupt", hex(offset)));
        }
        return this;
    }

    private static long u32(ByteBuffer b, int offset) {
        return Integer.toUnsignedLong(b.getInt(offset));
    }
}
