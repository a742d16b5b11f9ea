package dev.uhv.loader;

/** How a guest image file is laid out, and so which loader reads it. */
public enum ImageFormat {
    /** A flat binary copied byte for byte at a load address chosen by the user; it starts in 64-bit mode. */
    RAW,
    /**
     * An ELF executable of either class: the loader reads EI_CLASS. A request, never a result: what
     * was loaded is ELF32 or ELF64.
     */
    ELF,
    /** An i386 ELF32 executable: it starts in 32-bit protected mode. */
    ELF32,
    /** An x86-64 ELF64 executable: it starts in 64-bit mode. */
    ELF64,
    /**
     * A multiboot kernel, version 1 or 2 (the loader reads which from its header): it starts in
     * 32-bit protected mode with EAX and EBX as the specification says.
     */
    MULTIBOOT;

    /**
     * MULTIBOOT when the image has a valid multiboot header (v1 in its first 8 KiB, v2 in its first
     * 32 KiB), as QEMU's -kernel looks before anything else; else ELF when it starts with the ELF magic
     * (gABI e_ident[EI_MAG0..3]); else RAW.
     */
    public static ImageFormat detect(byte[] image) {
        if (MultibootHeader.find(image) != null || Multiboot2Header.find(image) >= 0) {
            return MULTIBOOT;
        }
        return ElfIdent.hasMagic(image) ? ELF : RAW;
    }
}
