package dev.uhv.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One ELF32 or ELF64 program header (gABI "Program Header"), fields as stored (zero-extended):
 * unsigned, unchecked.
 */
record ElfProgramHeader(int index, int type, long offset, long virtualAddress, long physicalAddress,
                        long fileSize, long memorySize) {

    static final int PT_LOAD = 1;

    private static final int P_TYPE = 0;

    /**
     * Reads program header index at fileOffset; the caller has checked it lies in the image. After
     * the 4-byte p_type, ELF32 has p_offset, p_vaddr, p_paddr, p_filesz and p_memsz as 4-byte words
     * from offset 4, ELF64 as 8-byte words from offset 8 (its 4-byte p_flags comes first): word k
     * sits at (k + 1) * wordSize in both.
     */
    static ElfProgramHeader read(byte[] image, long fileOffset, int index, ElfClass elfClass) {
        ByteBuffer b = ByteBuffer.wrap(image, (int) fileOffset, elfClass.programHeaderSize).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        int w = elfClass.wordSize;
        return new ElfProgramHeader(index, b.getInt(P_TYPE), elfClass.word(b, w), elfClass.word(b, 2 * w),
                elfClass.word(b, 3 * w), elfClass.word(b, 4 * w), elfClass.word(b, 5 * w));
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
