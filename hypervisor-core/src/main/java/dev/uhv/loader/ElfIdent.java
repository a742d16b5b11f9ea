package dev.uhv.loader;

/** The first bytes of an ELF file, e_ident (ELF gABI, "ELF Identification"). */
final class ElfIdent {
    static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};
    static final int EI_CLASS = 4;
    static final int EI_DATA = 5;
    static final int EI_VERSION = 6;
    static final int EI_NIDENT = 16;

    static final int ELFCLASS32 = 1;
    static final int ELFCLASS64 = 2;
    static final int ELFDATA2LSB = 1;
    static final int ELFDATA2MSB = 2;
    static final int EV_CURRENT = 1;

    private ElfIdent() {
    }

    static boolean hasMagic(byte[] image) {
        return image.length >= MAGIC.length && startsWithMagicPrefix(image);
    }

    /** True when every byte the image has (up to four) matches the magic: a cut-short ELF. */
    static boolean startsWithMagicPrefix(byte[] image) {
        int n = Math.min(image.length, MAGIC.length);
        for (int i = 0; i < n; i++) {
            if (image[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
