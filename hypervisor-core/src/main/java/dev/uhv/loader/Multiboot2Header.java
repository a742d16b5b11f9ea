package dev.uhv.loader;

import static dev.uhv.loader.Messages.hex;

import dev.uhv.loader.ImageLoadException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A multiboot2 header as the Multiboot2 Specification 2.0 lays it out (3.1.1 "OS image format"):
 * magic, architecture, header_length and checksum, 8-byte aligned and wholly within the first 32 KiB
 * of the file, then 8-byte aligned tags (3.1.3) up to an end tag. uhv reads the tags it acts on
 * (address 3.1.5, entry address 3.1.6, module alignment 3.1.10) and refuses a kernel whose required
 * tags ask for what it cannot give.
 *
 * @param offset    the header's offset in the file
 * @param addresses the address tag, or null (the kernel is then an ELF file)
 * @param entry     the entry address tag's entry_addr, if there is one
 */
record Multiboot2Header(int offset, MultibootAddresses addresses, OptionalLong entry) {
    private static final Logger log = LoggerFactory.getLogger(Multiboot2Header.class);

    static final int MAGIC = 0xE85250D6;
    /** The header must lie within the first 32 KiB of the image (3.1.1). */
    static final int SEARCH_LIMIT = 32768;
    /** architecture 0: 32-bit protected mode of i386 (3.1.2); 4 is MIPS. */
    private static final int ARCHITECTURE_I386 = 0;
    /** magic, architecture, header_length, checksum. */
    private static final int BASE_SIZE = 16;
    private static final int ALIGN = 8;

    /** Header tag types (3.1.4-3.1.12). */
    private static final int END = 0, INFORMATION_REQUEST = 1, ADDRESS = 2, ENTRY_ADDRESS = 3, CONSOLE_FLAGS = 4,
            FRAMEBUFFER = 5, MODULE_ALIGN = 6, EFI_BOOT_SERVICES = 7, EFI_I386_ENTRY = 8, EFI_AMD64_ENTRY = 9,
            RELOCATABLE = 10;
    /** Tag flags bit 0: the boot loader may ignore the tag (3.1.3). */
    private static final int OPTIONAL = 1;
    /** Console flags bit 0: the kernel needs a console the boot loader provides (3.1.7). */
    private static final int CONSOLE_REQUIRED = 1;

    /** The information tags uhv writes (see Multiboot2InfoWriter); a request for any other is refused. */
    static final Set<Integer> GIVEN_INFORMATION = Set.of(Multiboot2InfoWriter.CMDLINE,
            Multiboot2InfoWriter.BOOT_LOADER_NAME, Multiboot2InfoWriter.MODULE, Multiboot2InfoWriter.BASIC_MEMINFO,
            Multiboot2InfoWriter.MMAP);
    private static final Map<Integer, String> INFORMATION_NAMES = Map.ofEntries(Map.entry(5, "the BIOS boot device"),
            Map.entry(7, "VBE information"), Map.entry(8, "framebuffer information"), Map.entry(9, "ELF sections"),
            Map.entry(10, "the APM table"), Map.entry(11, "the EFI 32-bit system table"),
            Map.entry(12, "the EFI 64-bit system table"), Map.entry(13, "SMBIOS tables"),
            Map.entry(14, "the ACPI 1.0 RSDP"), Map.entry(15, "the ACPI 2.0 RSDP"),
            Map.entry(16, "networking information"), Map.entry(17, "the EFI memory map"),
            Map.entry(18, "EFI boot services"), Map.entry(19, "the EFI 32-bit image handle"),
            Map.entry(20, "the EFI 64-bit image handle"), Map.entry(21, "the image load base address"));

    /**
     * The offset of the first header in the image: an 8-byte aligned magic within the first 32 KiB
     * whose checksum adds up (magic + architecture + header_length + checksum == 0 mod 2^32), or -1.
     */
    static int find(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int limit = Math.min(image.length, SEARCH_LIMIT);
        for (int at = 0; at + BASE_SIZE <= limit; at += ALIGN) {
            if (b.getInt(at) == MAGIC && b.getInt(at) + b.getInt(at + 4) + b.getInt(at + 8) + b.getInt(at + 12) == 0) {
                return at;
            }
        }
        return -1;
    }

    /** Reads and checks the header whose magic {@link #find} found at offset. */
    static Multiboot2Header parse(byte[] image, int offset) throws ImageLoadException {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int architecture = b.getInt(offset + 4);
        if (architecture != ARCHITECTURE_I386) {
            throw new ImageLoadException(Reason.MULTIBOOT_UNSUPPORTED, String.format("the multiboot2 header at %s is"
                    + " for architecture %d (%s), not 0 (i386 protected mode)", hex(offset), architecture,
                    architecture == 4 ? "MIPS" : "unknown"));
        }
        long length = Integer.toUnsignedLong(b.getInt(offset + 8));
        int limit = Math.min(image.length, SEARCH_LIMIT);
        if (length < BASE_SIZE + ALIGN || length > limit - offset) {
            throw bad(offset, String.format("its header_length %s does not fit between its fixed fields and the end of"
                    + " the first 32 KiB (or the file)", hex(length)));
        }
        int end = offset + (int) length;
        MultibootAddresses addresses = null;
        OptionalLong entry = OptionalLong.empty();
        int at = offset + BASE_SIZE;
        while (true) {
            if (at + ALIGN > end) {
                throw bad(offset, "its tags run past header_length without an end tag (type 0)");
            }
            int type = Short.toUnsignedInt(b.getShort(at));
            boolean optional = (b.getShort(at + 2) & OPTIONAL) != 0;
            long size = Integer.toUnsignedLong(b.getInt(at + 4));
            if (size < ALIGN || size > end - at) {
                throw bad(offset, String.format("the tag at %s (type %d) has size %s, which does not fit in the"
                        + " header", hex(at), type, hex(size)));
            }
            if (type == END) {
                break;
            }
            switch (type) {
                case INFORMATION_REQUEST -> {
                    if (!optional) {
                        checkRequests(b, at, (int) size);
                    }
                }
                case ADDRESS -> addresses = new MultibootAddresses(u32(b, at + 8, size, at, offset),
                        u32(b, at + 12, size, at, offset), u32(b, at + 16, size, at, offset),
                        u32(b, at + 20, size, at, offset));
                case ENTRY_ADDRESS -> entry = OptionalLong.of(u32(b, at + 8, size, at, offset));
                case CONSOLE_FLAGS -> {
                    if (!optional && (u32(b, at + 8, size, at, offset) & CONSOLE_REQUIRED) != 0) {
                        throw unsupported("requires a console (console flags tag, bit 0); uhv gives none, the"
                                + " kernel must drive COM1 itself");
                    }
                }
                case MODULE_ALIGN, RELOCATABLE -> {
                    // uhv page-aligns every module and loads at the link address, which both allow.
                }
                default -> refuseOrIgnore(type, optional);
            }
            at += (int) ((size + ALIGN - 1) & -ALIGN);
        }
        return new Multiboot2Header(offset, addresses, entry);
    }

    /** A required information request for a tag uhv does not write is refused (3.1.4). */
    private static void checkRequests(ByteBuffer b, int tag, int size) throws ImageLoadException {
        for (int at = tag + ALIGN; at + 4 <= tag + size; at += 4) {
            int type = b.getInt(at);
            if (type != END && !GIVEN_INFORMATION.contains(type)) {
                throw unsupported(String.format("requires %s (information request for tag type %d); uhv gives the"
                        + " command line, boot loader name, modules, basic memory information and memory map",
                        INFORMATION_NAMES.getOrDefault(type, "unknown information"), type));
            }
        }
    }

    private static void refuseOrIgnore(int type, boolean optional) throws ImageLoadException {
        String what = switch (type) {
            case FRAMEBUFFER -> "a framebuffer (framebuffer tag)";
            case EFI_BOOT_SERVICES, EFI_I386_ENTRY, EFI_AMD64_ENTRY -> "EFI (tag type " + type + ")";
            default -> "header tag type " + type + ", which uhv does not know";
        };
        if (!optional) {
            throw unsupported("requires " + what + "; uhv boots it as BIOS-less i386 protected mode only");
        }
        log.debug("multiboot2 header: ignoring optional {}", what);
    }

    /** A tag's 32-bit field at at, which must lie inside the tag. */
    private static long u32(ByteBuffer b, int at, long tagSize, int tag, int header) throws ImageLoadException {
        if (at + 4 > tag + tagSize) {
            throw bad(header, String.format("the tag at %s is too short (%s bytes) for its fields", hex(tag),
                    hex(tagSize)));
        }
        return Integer.toUnsignedLong(b.getInt(at));
    }

    private static ImageLoadException bad(int offset, String what) {
        return new ImageLoadException(Reason.BAD_MULTIBOOT_HEADER,
                "bad multiboot2 header at " + hex(offset) + ": " + what + "; the file is corrupt");
    }

    private static ImageLoadException unsupported(String what) {
        return new ImageLoadException(Reason.MULTIBOOT_UNSUPPORTED, "this multiboot2 kernel " + what);
    }
}
