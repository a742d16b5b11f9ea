package dev.uhv.loader;

/**
 * An image uhv cannot load. The message is one line meant for the user (the CLI prints
 * "uhv: FILE: MESSAGE"): what is wrong, where (offsets and addresses in hex), what to do.
 */
public final class ImageLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the image was refused; one value per distinct thing the user has to fix. */
    public enum Reason {
        EMPTY_IMAGE,
        /** The file ends inside the ELF header. */
        TRUNCATED,
        NOT_ELF,
        /** An ELF of the other class than the one asked for (--format elf32 or elf64). */
        WRONG_CLASS,
        NOT_LITTLE_ENDIAN,
        /** e_machine is not the class's x86 machine (EM_386 for ELF32, EM_X86_64 for ELF64). */
        WRONG_MACHINE,
        /** e_type is neither ET_EXEC nor ET_DYN (a relocatable object, a core dump). */
        NOT_EXECUTABLE,
        /** An ELF header field that no valid file has (version, header sizes, PN_XNUM). */
        BAD_HEADER,
        /** e_phoff + e_phnum * e_phentsize runs past the end of the file. */
        PROGRAM_HEADERS_OUTSIDE_FILE,
        /** A PT_LOAD whose sizes contradict each other (p_filesz > p_memsz). */
        BAD_SEGMENT,
        SEGMENT_OUTSIDE_FILE,
        SEGMENT_OUTSIDE_RAM,
        OVERLAPPING_SEGMENTS,
        NO_LOADABLE_SEGMENTS,
        ENTRY_OUTSIDE_RAM,
        /** The entry is a higher-half virtual address; uhv maps guest virtual == physical. */
        HIGHER_HALF_ENTRY,
        /** A raw image that does not fit in guest RAM at its load address. */
        IMAGE_OUTSIDE_RAM,
        /** The image loads below vm.mmap_min_addr, which this user cannot map. */
        BELOW_MAPPABLE,
        /** --format multiboot, and the image has no valid multiboot header. */
        NOT_MULTIBOOT,
        /** A multiboot header whose fields or tags contradict each other or the file. */
        BAD_MULTIBOOT_HEADER,
        /** A multiboot kernel that requires what uhv cannot give (a flag bit, a tag, information). */
        MULTIBOOT_UNSUPPORTED,
        /** A --module that does not fit in guest RAM above the kernel. */
        MODULE_OUTSIDE_RAM,
        /** The boot information cannot be placed: it would overlap the kernel or a module, or not fit. */
        BOOT_INFO_OVERLAP
    }

    private final Reason reason;

    public ImageLoadException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Both loaders refuse a 0-byte file the same way. */
    static ImageLoadException emptyImage() {
        return new ImageLoadException(Reason.EMPTY_IMAGE, "the image is empty (0 bytes)");
    }

    /** The image needs guest-physical addresses below what this (non-root) user can map. */
    public static ImageLoadException belowMappable(long lowest, long mappable) {
        return new ImageLoadException(Reason.BELOW_MAPPABLE, String.format("the image loads at 0x%x, below "
                + "vm.mmap_min_addr (0x%x), which only root can map: load it at 0x100000 or above (--load-addr, or "
                + "the linker script) or run as root", lowest, mappable));
    }

    public Reason reason() {
        return reason;
    }
}
