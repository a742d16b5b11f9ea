package dev.uhv.loader;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small ELF images for tests: a valid x86-64 ELF64 executable by default, or a valid i386
 * ELF32 one from {@link #elf32()}, with setters to break any header field. Layout: the header, the
 * program headers, then each segment's bytes in order (ELF gABI field offsets). The layout follows
 * the builder's class, whatever EI_CLASS byte {@link #elfClass} writes.
 */
final class ElfBuilder {
    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;

    /** One program header; offset and fileSize null mean "where the builder put the data". */
    record Segment(int type, long vaddr, long paddr, byte[] data, long memsz, Long offset, Long fileSize) {
    }

    /** 4 for the ELF32 layout (Elf32_Addr, Elf32_Off), 8 for ELF64. */
    private final int wordSize;
    private int elfClass = 2;
    private int dataEncoding = 1;
    private int identVersion = 1;
    private int type = 2;
    private int machine = 62;
    private int version = 1;
    private long entry;
    private Long phoff;
    private int ehsize = 64;
    private int phentsize = 56;
    private Integer phnum;
    private final List<Segment> segments = new ArrayList<>();

    /** A valid x86-64 ELF64 executable (with segments and entry still to add). */
    ElfBuilder() {
        wordSize = 8;
    }

    private ElfBuilder(int wordSize) {
        this.wordSize = wordSize;
    }

    /** A valid i386 ELF32 executable (with segments and entry still to add). */
    static ElfBuilder elf32() {
        ElfBuilder b = new ElfBuilder(4);
        b.elfClass = 1;
        b.machine = 3;
        b.ehsize = 52;
        b.phentsize = 32;
        return b;
    }

    ElfBuilder elfClass(int v) { elfClass = v; return this; }
    ElfBuilder dataEncoding(int v) { dataEncoding = v; return this; }
    ElfBuilder identVersion(int v) { identVersion = v; return this; }
    ElfBuilder type(int v) { type = v; return this; }
    ElfBuilder machine(int v) { machine = v; return this; }
    ElfBuilder version(int v) { version = v; return this; }
    ElfBuilder entry(long v) { entry = v; return this; }
    ElfBuilder phoff(long v) { phoff = v; return this; }
    ElfBuilder ehsize(int v) { ehsize = v; return this; }
    ElfBuilder phentsize(int v) { phentsize = v; return this; }
    ElfBuilder phnum(int v) { phnum = v; return this; }

    /** A PT_LOAD with vaddr == paddr. */
    ElfBuilder load(long address, byte[] data, long memsz) {
        return segment(new Segment(PT_LOAD, address, address, data, memsz, null, null));
    }

    ElfBuilder segment(Segment s) {
        segments.add(s);
        return this;
    }

    byte[] build() {
        int headerSize = wordSize == 8 ? 64 : 52;
        int entrySize = wordSize == 8 ? 56 : 32;
        long dataOffset = headerSize + (long) segments.size() * entrySize;
        ByteBuffer table = ByteBuffer.allocate(segments.size() * entrySize).order(ByteOrder.LITTLE_ENDIAN);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Segment s : segments) {
            long offset = s.offset() != null ? s.offset() : dataOffset + data.size();
            long fileSize = s.fileSize() != null ? s.fileSize() : s.data().length;
            table.putInt(s.type());
            if (wordSize == 8) {
                table.putInt(5); // p_flags comes second in ELF64 only
            }
            putWords(table, offset, s.vaddr(), s.paddr(), fileSize, s.memsz());
            if (wordSize == 4) {
                table.putInt(5);
            }
            putWords(table, 0x1000);
            data.writeBytes(s.data());
        }
        ByteBuffer header = ByteBuffer.allocate(headerSize).order(ByteOrder.LITTLE_ENDIAN);
        header.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elfClass, (byte) dataEncoding, (byte) identVersion});
        header.position(16);
        header.putShort((short) type).putShort((short) machine).putInt(version);
        putWords(header, entry, phoff != null ? phoff : headerSize, 0);
        header.putInt(0).putShort((short) ehsize).putShort((short) phentsize)
                .putShort((short) (phnum != null ? phnum : segments.size()))
                .putShort((short) 64).putShort((short) 0).putShort((short) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        out.writeBytes(table.array());
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }

    /** Addresses and offsets at the builder's word size; ELF32 keeps a value's low 32 bits. */
    private void putWords(ByteBuffer b, long... values) {
        for (long v : values) {
            if (wordSize == 8) {
                b.putLong(v);
            } else {
                b.putInt((int) v);
            }
        }
    }
}
