package dev.uhv.loader;

import static dev.uhv.loader.Messages.hex;
import static dev.uhv.loader.Messages.ram;

import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * Loads an x86-64 ELF64 or i386 ELF32 executable the way a boot loader (or QEMU's -kernel) does:
 * each PT_LOAD segment goes to its physical address p_paddr, p_filesz bytes from the file and zeros
 * up to p_memsz. ET_DYN images are not relocated: they too load at their p_paddr. Both classes go
 * through the same checks; only the header layout differs. The whole image is validated before
 * anything is written, so a refused image leaves guest RAM untouched.
 */
public final class ElfLoader {

    /** Canonical higher-half addresses start here (48-bit virtual addresses, SDM Vol. 1 3.3.7.1). */
    private static final long HIGHER_HALF = 0xffff_8000_0000_0000L;

    private ElfLoader() {
    }

    /** Loads an image of either class and starts the guest at e_entry. */
    public static LoadResult load(byte[] image, GuestMemory ram) throws ImageLoadException {
        return load(image, ram, ImageFormat.ELF, OptionalLong.empty());
    }

    /**
     * Loads the image and starts the guest at entryOverride (the user's --entry) if present, else at
     * e_entry.
     *
     * @param requested ELF for either class; ELF32 or ELF64 refuses an image of the other class
     */
    public static LoadResult load(byte[] image, GuestMemory ram, ImageFormat requested, OptionalLong entryOverride)
            throws ImageLoadException {
        ElfHeader header = ElfHeader.parse(image, requested);
        List<ElfProgramHeader> segments = loadableSegments(image, header, ram);
        long entry;
        if (entryOverride.isPresent()) {
            entry = entryOverride.getAsLong();
            if (!ram.contains(entry, 1)) {
                throw new ImageLoadException(Reason.ENTRY_OUTSIDE_RAM, String.format(
                        "--entry %s is outside %s", hex(entry), ram(ram)));
            }
        } else {
            entry = header.entry();
            checkEntry(entry, segments, ram);
        }
        return copy(image, ram, header.elfClass(), segments, entry);
    }

    /** One past the highest byte of the PT_LOAD segments (unsigned; Long.MAX_VALUE if it wraps). */
    static long highestAddress(byte[] image, ImageFormat requested) throws ImageLoadException {
        ElfHeader header = ElfHeader.parse(image, requested);
        long top = 0;
        for (int i = 0; i < header.programHeaderCount(); i++) {
            ElfProgramHeader ph = ElfProgramHeader.read(image, header.programHeaderAt(i), i, header.elfClass());
            if (ph.type() == ElfProgramHeader.PT_LOAD && ph.memorySize() != 0) {
                long end = ph.physicalAddress() + ph.memorySize();
                top = Long.compareUnsigned(end, ph.physicalAddress()) < 0 ? Long.MAX_VALUE
                        : Math.max(top, end < 0 ? Long.MAX_VALUE : end);
            }
        }
        return top;
    }

    /** The PT_LOAD segments with something in memory, each checked against the file and RAM. */
    private static List<ElfProgramHeader> loadableSegments(byte[] image, ElfHeader header, GuestMemory ram)
            throws ImageLoadException {
        List<ElfProgramHeader> loads = new ArrayList<>();
        for (int i = 0; i < header.programHeaderCount(); i++) {
            ElfProgramHeader ph = ElfProgramHeader.read(image, header.programHeaderAt(i), i, header.elfClass());
            if (ph.type() == ElfProgramHeader.PT_LOAD && ph.memorySize() != 0) {
                checkSegment(ph, image.length, ram);
                loads.add(ph);
            }
        }
        if (loads.isEmpty()) {
            throw new ImageLoadException(Reason.NO_LOADABLE_SEGMENTS, String.format(
                    "this ELF has no PT_LOAD segment among its %d program headers, so nothing to load:"
                            + " link it as an executable", header.programHeaderCount()));
        }
        checkNoOverlap(loads);
        return loads;
    }

    private static void checkSegment(ElfProgramHeader ph, long fileSize, GuestMemory ram)
            throws ImageLoadException {
        // gABI: "The file size may not be larger than the memory size."
        if (Long.compareUnsigned(ph.fileSize(), ph.memorySize()) > 0) {
            throw new ImageLoadException(Reason.BAD_SEGMENT, String.format(
                    "ELF segment %d has p_filesz %s larger than p_memsz %s, which the ELF gABI forbids:"
                            + " the file is corrupt", ph.index(), hex(ph.fileSize()), hex(ph.memorySize())));
        }
        if (!FileRange.within(ph.offset(), ph.fileSize(), fileSize)) {
            throw new ImageLoadException(Reason.SEGMENT_OUTSIDE_FILE, String.format(
                    "ELF segment %d's file bytes %s+%s (p_offset+p_filesz) run past the end of the file"
                            + " (%s bytes): the file is truncated or corrupt",
                    ph.index(), hex(ph.offset()), hex(ph.fileSize()), hex(fileSize)));
        }
        if (!ram.contains(ph.physicalAddress(), ph.memorySize())) {
            throw new ImageLoadException(Reason.SEGMENT_OUTSIDE_RAM, segmentOutsideRam(ph, ram));
        }
    }

    private static String segmentOutsideRam(ElfProgramHeader ph, GuestMemory ram) {
        if (Long.compareUnsigned(ph.physicalAddress(), HIGHER_HALF) >= 0) {
            return String.format("ELF segment %d at %s has a higher-half physical address (p_paddr), which"
                    + " no guest RAM has: link it with physical load addresses (AT() in the linker script)",
                    ph.index(), ph.physicalRange());
        }
        return String.format("ELF segment %d at %s is outside %s: give more --mem",
                ph.index(), ph.physicalRange(), ram(ram));
    }

    /** Two segments at the same guest-physical bytes would silently overwrite each other. */
    private static void checkNoOverlap(List<ElfProgramHeader> loads) throws ImageLoadException {
        List<ElfProgramHeader> byAddress = new ArrayList<>(loads);
        byAddress.sort(Comparator.comparingLong(ElfProgramHeader::physicalAddress));
        for (int i = 1; i < byAddress.size(); i++) {
            ElfProgramHeader lower = byAddress.get(i - 1);
            ElfProgramHeader upper = byAddress.get(i);
            if (upper.physicalAddress() < lower.physicalAddress() + lower.memorySize()) {
                throw new ImageLoadException(Reason.OVERLAPPING_SEGMENTS, String.format(
                        "ELF segments %d (%s) and %d (%s) overlap in guest-physical memory: the file is corrupt",
                        lower.index(), lower.physicalRange(), upper.index(), upper.physicalRange()));
            }
        }
    }

    /**
     * e_entry is a virtual address. uhv maps guest virtual == physical for now, so an entry that
     * only a higher-half mapping (p_vaddr != p_paddr) makes valid cannot run yet: say so.
     */
    private static void checkEntry(long entry, List<ElfProgramHeader> segments, GuestMemory ram)
            throws ImageLoadException {
        if (ram.contains(entry, 1)) {
            return;
        }
        for (ElfProgramHeader ph : segments) {
            if (ph.virtualAddress() != ph.physicalAddress() && ph.coversVirtual(entry)) {
                throw new ImageLoadException(Reason.HIGHER_HALF_ENTRY, String.format(
                        "ELF entry point %s is a higher-half virtual address (segment %d maps virtual %s at"
                                + " physical %s); uhv maps guest virtual == physical for now, so higher-half"
                                + " kernels cannot start there yet (its physical address is %s)",
                        hex(entry), ph.index(), hex(ph.virtualAddress()), hex(ph.physicalAddress()),
                        hex(entry - ph.virtualAddress() + ph.physicalAddress())));
            }
        }
        throw new ImageLoadException(Reason.ENTRY_OUTSIDE_RAM, String.format(
                "ELF entry point %s (e_entry) is outside %s: give more --mem or check the link address",
                hex(entry), ram(ram)));
    }

    private static LoadResult copy(byte[] image, GuestMemory ram, ElfClass elfClass, List<ElfProgramHeader> segments,
                                   long entry) {
        List<LoadedSegment> loaded = new ArrayList<>();
        for (ElfProgramHeader ph : segments) {
            ram.write(ph.physicalAddress(), image, (int) ph.offset(), (int) ph.fileSize());
            ram.fill(ph.physicalAddress() + ph.fileSize(), ph.memorySize() - ph.fileSize(), (byte) 0);
            loaded.add(new LoadedSegment(ph.physicalAddress(), ph.fileSize(), ph.memorySize()));
        }
        return LoadResult.of(elfClass.format, entry, loaded);
    }
}
