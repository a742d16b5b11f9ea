package dev.uhv.loader;

import java.nio.ByteBuffer;

/**
 * The two ELF classes uhv loads and what differs between them: the size of an address or offset
 * ("word" here), and so the header sizes and field offsets, and the machine each class must be for.
 * The gABI lays out the ELF32 and ELF64 headers field for field alike, only with 4- or 8-byte words;
 * the program headers differ in where p_flags sits (see {@link ElfProgramHeader}).
 */
enum ElfClass {
    ELF32(ElfIdent.ELFCLASS32, 4, 52, 32, 3, "i386", ImageFormat.ELF32),
    ELF64(ElfIdent.ELFCLASS64, 8, 64, 56, 62, "x86-64", ImageFormat.ELF64);

    /** The EI_CLASS byte. */
    final int identClass;
    /** Bytes of an address or file offset field (Elf32_Addr/Off or Elf64_Addr/Off). */
    final int wordSize;
    final int headerSize;
    final int programHeaderSize;
    /** The one e_machine uhv runs in this class: EM_386 or EM_X86_64. */
    final int machine;
    final String machineName;
    final ImageFormat format;

    ElfClass(int identClass, int wordSize, int headerSize, int programHeaderSize, int machine, String machineName,
             ImageFormat format) {
        this.identClass = identClass;
        this.wordSize = wordSize;
        this.headerSize = headerSize;
        this.programHeaderSize = programHeaderSize;
        this.machine = machine;
        this.machineName = machineName;
        this.format = format;
    }

    /** The class whose EI_CLASS byte this is, or null for neither. */
    static ElfClass ofIdent(int identClass) {
        for (ElfClass c : values()) {
            if (c.identClass == identClass) {
                return c;
            }
        }
        return null;
    }

    /** The unsigned word (address or offset) at offset, zero-extended. */
    long word(ByteBuffer b, int offset) {
        return wordSize == 8 ? b.getLong(offset) : Integer.toUnsignedLong(b.getInt(offset));
    }
}
