package dev.uhv.loader;

/** How a guest image file is laid out, and so which loader reads it. */
public enum ImageFormat {
    /** A flat binary copied byte for byte at a load address chosen by the user. */
    RAW,
    /** An ELF executable whose program headers say where each segment goes. */
    ELF;

    /** ELF when the image starts with the ELF magic (gABI e_ident[EI_MAG0..3]), RAW otherwise. */
    public static ImageFormat detect(byte[] image) {
        return ElfIdent.hasMagic(image) ? ELF : RAW;
    }
}
