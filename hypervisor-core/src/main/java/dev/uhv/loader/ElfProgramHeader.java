package dev.uhv.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One ELF64 program header (gABI "Program Header"), fields as stored: unsigned, unchecked. */
record ElfProgramHeader(int index, int type, long offset, long virtualAddress, long physicalAddress,
                          long fileSize, long memorySize) {

    static final int SIZE = 56;
    static final int PT_LOAD = 1;

    private static final int P_TYPE = 0;
    private static final int P_OFFSET = 8;
    private static final int P_VADDR = 16;
    private static final int P_PADDR = 24;
    private static final int P_FILESZ = 32;
    private static final int P_MEMSZ = 40;

    /** Reads program header index at fileOffset; the caller has checked it lies in the image. */
    static ElfProgramHeader read(byte[] image, long fileOffset, int index) {
        ByteBuffer b = ByteBuffer.wrap(image, (int) fileOffset, SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
        return new ElfProgramHeader(index, b.getInt(P_TYPE), b.getLong(P_OFFSET), b.getLong(P_VADDR),
                b.getLong(P_PADDR), b.getLong(P_FILESZ), b.getLong(P_MEMSZ));
    }

    /** The address range [physicalAddress, +memorySize) as "0x100000+0x2000". */
    String physicalRange() {
        return Messages.hex(physicalAddress) + "+" + Messages.hex(memorySize);
    }

    /** True when address falls in [virtualAddress, virtualAddress + memorySize), unsigned. */
    boolean coversVirtual(long address) {
        return Long.compareUnsigned(address - virtualAddress, memorySize) < 0;
    }
}
