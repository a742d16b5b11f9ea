package dev.uhv.loader;

import static dev.uhv.loader.Messages.hex;

import dev.uhv.loader.ImageLoadException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Map;

/**
 * The fields of a validated ELF32 or ELF64 header that loading needs. Offsets and constants are from
 * the ELF gABI ("ELF Header"), EM_386 from the i386 psABI and EM_X86_64 from the x86-64 psABI.
 */
record ElfHeader(ElfClass elfClass, int type, long entry, long programHeaderOffset, int programHeaderSize,
                 int programHeaderCount) {

    static final int ET_EXEC = 2;
    static final int ET_DYN = 3;

    private static final int E_TYPE = 16;
    private static final int E_MACHINE = 18;
    private static final int E_VERSION = 20;
    private static final int E_ENTRY = 24;
    /** e_phnum's escape to extended numbering (count in section header 0), gABI. */
    private static final int PN_XNUM = 0xffff;

    private static final Map<Integer, String> MACHINES = Map.ofEntries(
            Map.entry(3, "i386"), Map.entry(8, "MIPS"), Map.entry(20, "PowerPC"), Map.entry(21, "PowerPC64"),
            Map.entry(22, "S/390"), Map.entry(40, "ARM"), Map.entry(62, "x86-64"), Map.entry(183, "AArch64"),
            Map.entry(243, "RISC-V"), Map.entry(258, "LoongArch"));

    /**
     * Checks the header field by field, in the order a user would fix things.
     *
     * @param requested ELF for either class, or ELF32 or ELF64 for that class only
     */
    static ElfHeader parse(byte[] image, ImageFormat requested) throws ImageLoadException {
        ElfClass elfClass = checkIdent(image, requested);
        if (image.length < elfClass.headerSize) {
            throw truncated(image.length, elfClass.headerSize, "an " + elfClass + " header");
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int machine = u16(b, E_MACHINE);
        if (machine != elfClass.machine) {
            throw new ImageLoadException(Reason.WRONG_MACHINE, String.format("this %s is for %s (e_machine %d),"
                    + " not %s (%d): uhv runs x86-64 ELF64 and i386 ELF32 guests only", elfClass,
                    MACHINES.getOrDefault(machine, "another machine"), machine, elfClass.machineName,
                    elfClass.machine));
        }
        int type = u16(b, E_TYPE);
        if (type != ET_EXEC && type != ET_DYN) {
            throw new ImageLoadException(Reason.NOT_EXECUTABLE, describeNonExecutable(type));
        }
        long version = Integer.toUnsignedLong(b.getInt(E_VERSION));
        if (version != ElfIdent.EV_CURRENT) {
            throw badHeader("e_version is " + version + ", not EV_CURRENT (1)");
        }
        // After e_entry come e_phoff and e_shoff (a word each), e_flags (4 bytes), then the 2-byte
        // e_ehsize, e_phentsize and e_phnum: the same order in both classes.
        int w = elfClass.wordSize;
        int ehsizeOffset = E_ENTRY + 3 * w + 4;
        int headerSize = u16(b, ehsizeOffset);
        if (headerSize < elfClass.headerSize) {
            throw badHeader(String.format("e_ehsize is %d, smaller than an %s header (%d)", headerSize, elfClass,
                    elfClass.headerSize));
        }
        return new ElfHeader(elfClass, type, elfClass.word(b, E_ENTRY), elfClass.word(b, E_ENTRY + w),
                u16(b, ehsizeOffset + 2), u16(b, ehsizeOffset + 4)).checkProgramHeaderTable(image.length);
    }

    private static ElfClass checkIdent(byte[] image, ImageFormat requested) throws ImageLoadException {
        if (image.length == 0) {
            throw ImageLoadException.emptyImage();
        }
        if (!ElfIdent.startsWithMagicPrefix(image)) {
            throw new ImageLoadException(Reason.NOT_ELF,
                    "not an ELF file (no \\x7fELF magic at offset 0); if it is a flat binary, load it as a raw image");
        }
        if (image.length < ElfIdent.EI_NIDENT) {
            throw truncated(image.length, ElfIdent.EI_NIDENT, "the ELF identification (e_ident)");
        }
        ElfClass elfClass = ElfClass.ofIdent(image[ElfIdent.EI_CLASS]);
        if (elfClass == null) {
            throw badHeader("EI_CLASS (offset 0x4) is " + image[ElfIdent.EI_CLASS]
                    + ", neither ELFCLASS32 nor ELFCLASS64");
        }
        if (requested != ImageFormat.ELF && requested != elfClass.format) {
            String wanted = requested.name().toLowerCase(Locale.ROOT);
            throw new ImageLoadException(Reason.WRONG_CLASS, String.format("this is an %s file, not %s as"
                    + " --format %s asks: leave --format out, or give --format elf, to load either class",
                    elfClass, requested, wanted));
        }
        int data = image[ElfIdent.EI_DATA];
        if (data == ElfIdent.ELFDATA2MSB) {
            throw new ImageLoadException(Reason.NOT_LITTLE_ENDIAN,
                    "this ELF is big-endian (ELFDATA2MSB); x86 images are little-endian: it was built for another machine");
        }
        if (data != ElfIdent.ELFDATA2LSB) {
            throw badHeader("EI_DATA (offset 0x5) is " + data + ", neither little- nor big-endian");
        }
        if (image[ElfIdent.EI_VERSION] != ElfIdent.EV_CURRENT) {
            throw badHeader("EI_VERSION (offset 0x6) is " + image[ElfIdent.EI_VERSION] + ", not EV_CURRENT (1)");
        }
        return elfClass;
    }

    /** The program header table must lie inside the file; every size is checked before use. */
    private ElfHeader checkProgramHeaderTable(long fileSize) throws ImageLoadException {
        if (programHeaderCount == PN_XNUM) {
            throw badHeader("e_phnum is PN_XNUM (0xffff, extended numbering), which uhv does not support");
        }
        if (programHeaderCount == 0) {
            throw new ImageLoadException(Reason.NO_LOADABLE_SEGMENTS,
                    "this ELF has no program headers (e_phnum 0), so nothing to load: link it as an executable");
        }
        if (programHeaderSize < elfClass.programHeaderSize) {
            throw badHeader(String.format("e_phentsize is %d, smaller than an %s program header (%d)",
                    programHeaderSize, elfClass, elfClass.programHeaderSize));
        }
        long tableSize = (long) programHeaderCount * programHeaderSize;
        if (!FileRange.within(programHeaderOffset, tableSize, fileSize)) {
            throw new ImageLoadException(Reason.PROGRAM_HEADERS_OUTSIDE_FILE, String.format(
                    "the program headers at %s+%s (e_phoff + e_phnum * e_phentsize) run past the end of the file"
                            + " (%s bytes): the file is truncated or corrupt",
                    hex(programHeaderOffset), hex(tableSize), hex(fileSize)));
        }
        return this;
    }

    /** The file offset of program header i. */
    long programHeaderAt(int i) {
        return programHeaderOffset + (long) i * programHeaderSize;
    }

    private static String describeNonExecutable(int type) {
        String what = switch (type) {
            case 0 -> "has no file type (ET_NONE)";
            case 1 -> "is a relocatable object (ET_REL, a .o): link it into an executable first";
            case 4 -> "is a core dump (ET_CORE), not a program";
            default -> "has file type " + hex(type) + ", not an executable (ET_EXEC or ET_DYN)";
        };
        return "this ELF " + what;
    }

    private static ImageLoadException truncated(int length, int needed, String what) {
        return new ImageLoadException(Reason.TRUNCATED, String.format(
                "the file is %d bytes, too short for %s (%d bytes): it is truncated", length, what, needed));
    }

    private static ImageLoadException badHeader(String what) {
        return new ImageLoadException(Reason.BAD_HEADER, "bad ELF header: " + what + "; the file is corrupt");
    }

    private static int u16(ByteBuffer b, int offset) {
        return Short.toUnsignedInt(b.getShort(offset));
    }
}
