package dev.uhv.loader;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small ELF64 images for tests: a valid x86-64 executable by default, with setters to
 * break any header field. Layout: the 64-byte header, the program headers, then each segment's
 * bytes in order (ELF gABI field offsets).
 */
final class ElfBuilder {
    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;

    /** One program header; offset and fileSize null mean "where the builder put the data". */
    record Segment(int type, long vaddr, long paddr, byte[] data, long memsz, Long offset, Long fileSize) {
    }

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
        int tableOffset = 64;
        long dataOffset = tableOffset + (long) segments.size() * 56;
        ByteBuffer table = ByteBuffer.allocate(segments.size() * 56).order(ByteOrder.LITTLE_ENDIAN);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Segment s : segments) {
            long offset = s.offset() != null ? s.offset() : dataOffset + data.size();
            long fileSize = s.fileSize() != null ? s.fileSize() : s.data().length;
            table.putInt(s.type()).putInt(5).putLong(offset).putLong(s.vaddr()).putLong(s.paddr())
                    .putLong(fileSize).putLong(s.memsz()).putLong(0x1000);
            data.writeBytes(s.data());
        }
        ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        header.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elfClass, (byte) dataEncoding, (byte) identVersion});
        header.position(16);
        header.putShort((short) type).putShort((short) machine).putInt(version).putLong(entry)
                .putLong(phoff != null ? phoff : tableOffset).putLong(0).putInt(0)
                .putShort((short) ehsize).putShort((short) phentsize)
                .putShort((short) (phnum != null ? phnum : segments.size()))
                .putShort((short) 64).putShort((short) 0).putShort((short) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        out.writeBytes(table.array());
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }
}
