package dev.uhv.loader;

import static dev.uhv.loader.Messages.hex;

import dev.uhv.loader.ImageLoadException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * The fields of a validated ELF64 header that loading needs. Offsets and constants are from the
 * ELF gABI ("ELF Header") and the x86-64 psABI (EM_X86_64).
 */
record ElfHeader(int type, long entry, long programHeaderOffset, int programHeaderSize,
                   int programHeaderCount) {

    static final int SIZE = 64;
    static final int ET_EXEC = 2;
    static final int ET_DYN = 3;
    static final int EM_X86_64 = 62;

    private static final int E_TYPE = 16;
    private static final int E_MACHINE = 18;
    private static final int E_VERSION = 20;
    private static final int E_ENTRY = 24;
    private static final int E_PHOFF = 32;
    private static final int E_EHSIZE = 52;
    private static final int E_PHENTSIZE = 54;
    private static final int E_PHNUM = 56;
    /** e_phnum's escape to extended numbering (count in section header 0), gABI. */
    private static final int PN_XNUM = 0xffff;

    private static final Map<Integer, String> MACHINES = Map.of(
            3, "i386", 8, "MIPS", 20, "PowerPC", 21, "PowerPC64", 22, "S/390",
            40, "ARM", 183, "AArch64", 243, "RISC-V", 258, "LoongArch");

    /** Checks the header field by field, in the order a user would fix things. */
    static ElfHeader parse(byte[] image) throws ImageLoadException {
        checkIdent(image);
        if (image.length < SIZE) {
            throw truncated(image.length, SIZE, "an ELF64 header");
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int machine = u16(b, E_MACHINE);
        if (machine != EM_X86_64) {
            throw new ImageLoadException(Reason.NOT_X86_64, String.format(
                    "this ELF is for %s (e_machine %d), not x86-64 (%d): uhv runs x86-64 guests only",
                    MACHINES.getOrDefault(machine, "another machine"), machine, EM_X86_64));
        }
        int type = u16(b, E_TYPE);
        if (type != ET_EXEC && type != ET_DYN) {
            throw new ImageLoadException(Reason.NOT_EXECUTABLE, describeNonExecutable(type));
        }
        long version = Integer.toUnsignedLong(b.getInt(E_VERSION));
        if (version != ElfIdent.EV_CURRENT) {
            throw badHeader("e_version is " + version + ", not EV_CURRENT (1)");
        }
        int headerSize = u16(b, E_EHSIZE);
        if (headerSize < SIZE) {
            throw badHeader("e_ehsize is " + headerSize + ", smaller than an ELF64 header (64)");
        }
        return new ElfHeader(type, b.getLong(E_ENTRY), b.getLong(E_PHOFF), u16(b, E_PHENTSIZE),
                u16(b, E_PHNUM)).checkProgramHeaderTable(image.length);
    }

    private static void checkIdent(byte[] image) throws ImageLoadException {
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
        int elfClass = image[ElfIdent.EI_CLASS];
        if (elfClass == ElfIdent.ELFCLASS32) {
            throw new ImageLoadException(Reason.NOT_64_BIT,
                    "this is a 32-bit ELF; uhv loads ELF64 kernels (32-bit and multiboot loading come later)");
        }
        if (elfClass != ElfIdent.ELFCLASS64) {
            throw badHeader("EI_CLASS (offset 0x4) is " + elfClass + ", neither ELFCLASS32 nor ELFCLASS64");
        }
        int data = image[ElfIdent.EI_DATA];
        if (data == ElfIdent.ELFDATA2MSB) {
            throw new ImageLoadException(Reason.NOT_LITTLE_ENDIAN,
                    "this ELF is big-endian (ELFDATA2MSB); x86-64 images are little-endian: it was built for another machine");
        }
        if (data != ElfIdent.ELFDATA2LSB) {
            throw badHeader("EI_DATA (offset 0x5) is " + data + ", neither little- nor big-endian");
        }
        if (image[ElfIdent.EI_VERSION] != ElfIdent.EV_CURRENT) {
            throw badHeader("EI_VERSION (offset 0x6) is " + image[ElfIdent.EI_VERSION] + ", not EV_CURRENT (1)");
        }
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
        if (programHeaderSize < ElfProgramHeader.SIZE) {
            throw badHeader("e_phentsize is " + programHeaderSize + ", smaller than an ELF64 program header ("
                    + ElfProgramHeader.SIZE + ")");
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
