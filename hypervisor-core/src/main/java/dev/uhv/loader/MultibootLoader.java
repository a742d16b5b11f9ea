package dev.uhv.loader;

import static dev.uhv.loader.Messages.hex;
import static dev.uhv.loader.Messages.ram;

import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a multiboot kernel the way QEMU's -kernel does (hw/i386/multiboot.c) for version 1, and
 * GRUB 2 for version 2, which QEMU does not load: the kernel from its header's address fields or
 * else as ELF (with ElfLoader), the modules page-aligned above it, the boot information in
 * conventional memory; the kernel starts in 32-bit protected mode, paging off, with EAX the boot
 * loader's magic and EBX the information's address. A v1 header is looked for first, as QEMU does,
 * so an image with both headers boots as v1.
 *
 * <p>Everything that can be checked before writing is; the kernel is then written, and a module or
 * the information that cannot be placed refuses the image with the kernel already in RAM, which the
 * caller then discards.
 */
public final class MultibootLoader {
    private static final Logger log = LoggerFactory.getLogger(MultibootLoader.class);

    /** Lays out one version's boot information (MultibootInfoWriter::write, Multiboot2InfoWriter::write). */
    private interface InfoWriter {
        long write(BootInfoBuilder info, BootParameters boot, List<ModulePlacement.Placed> modules, long ramSize);
    }

    /**
     * What a header says about loading, once read: where the kernel's bytes go (address fields, or
     * null to load it as elfFormat), where it starts (the header's entry address, if it has one) and
     * whether it asked for a video mode uhv cannot set.
     */
    private record Protocol(int version, int headerOffset, MultibootAddresses addresses, OptionalLong entry,
                            ImageFormat elfFormat, InfoWriter writer, long magic, boolean wantsVideoMode) {
    }

    private MultibootLoader() {
    }

    /**
     * Loads the kernel, its modules and the boot information.
     *
     * @param entryOverride the user's --entry, which wins over the header and the ELF entry
     */
    public static LoadResult load(byte[] image, GuestMemory ram, BootParameters boot, OptionalLong entryOverride)
            throws ImageLoadException {
        Protocol protocol = read(image);
        if (protocol.wantsVideoMode()) {
            log.warn("the multiboot header asks for a video mode (flags bit 2); uhv has no display, so the kernel gets"
                    + " no video information (QEMU boots it the same way)");
        }
        Kernel kernel = loadKernel(image, protocol, ram, entryOverride);
        List<ModulePlacement.Placed> modules = ModulePlacement.place(boot.modules(), kernel.end(), ram);

        BootInfoBuilder info = new BootInfoBuilder(boot.lowestMappable());
        long infoAddress = protocol.writer().write(info, boot, modules, ram.size());
        List<BootInfoBuilder.Occupied> occupied = new ArrayList<>();
        List<LoadedSegment> segments = new ArrayList<>(kernel.segments());
        for (LoadedSegment s : kernel.segments()) {
            occupied.add(new BootInfoBuilder.Occupied("the kernel", s.physicalAddress(), s.end()));
        }
        for (ModulePlacement.Placed m : modules) {
            occupied.add(new BootInfoBuilder.Occupied("module " + m.module().name(), m.start(), m.end()));
            segments.add(new LoadedSegment(m.start(), m.end() - m.start(), m.end() - m.start()));
        }
        info.writeTo(ram, occupied);
        ModulePlacement.write(modules, ram);
        segments.add(info.segment());
        log.debug("multiboot v{} kernel: {} segment(s) up to {}, entry {}, {} module(s), information at {} ({} bytes)",
                protocol.version(), kernel.segments().size(), hex(kernel.end()), hex(kernel.entry()), modules.size(),
                hex(infoAddress), info.segment().memorySize());
        return LoadResult.of(ImageFormat.MULTIBOOT, kernel.entry(), segments,
                new BootRegisters(protocol.magic(), infoAddress));
    }

    /** The kernel in RAM: its segments and where it starts. */
    private record Kernel(List<LoadedSegment> segments, long entry) {
        long end() {
            return segments.stream().mapToLong(LoadedSegment::end).max().orElseThrow();
        }
    }

    /** Through the address fields (entry: --entry, else the header's), or else as ELF (ElfLoader). */
    private static Kernel loadKernel(byte[] image, Protocol protocol, GuestMemory ram, OptionalLong entryOverride)
            throws ImageLoadException {
        if (protocol.addresses() != null) {
            long entry = entryOverride.orElse(protocol.entry().getAsLong());
            checkEntry(entry, entryOverride.isPresent() ? "--entry" : "the multiboot entry_addr", ram);
            return new Kernel(List.of(protocol.addresses().load(image, protocol.headerOffset(), ram)), entry);
        }
        checkElfClass(image, protocol);
        if (entryOverride.isEmpty() && protocol.entry().isPresent()) {
            checkEntry(protocol.entry().getAsLong(), "the multiboot2 entry address tag's entry_addr", ram);
        }
        // A v2 entry address tag wins over e_entry (a higher-half kernel's, say), --entry over both.
        LoadResult elf = ElfLoader.load(image, ram, protocol.elfFormat(),
                entryOverride.isPresent() ? entryOverride : protocol.entry());
        return new Kernel(elf.segments(), elf.entry());
    }

    /** One past the highest byte of the kernel and its page-aligned modules, for sizing guest RAM. */
    static long highestAddress(byte[] image, List<BootModule> modules) throws ImageLoadException {
        Protocol protocol = read(image);
        long kernelEnd = protocol.addresses() != null
                ? protocol.addresses().place(protocol.headerOffset(), image.length).segment().end()
                : ElfLoader.highestAddress(image, protocol.elfFormat());
        return ModulePlacement.end(modules, kernelEnd);
    }

    /** The v1 header if there is one (QEMU looks for no other), else the v2 header; checked. */
    private static Protocol read(byte[] image) throws ImageLoadException {
        MultibootHeader v1 = MultibootHeader.find(image);
        if (v1 != null) {
            v1.check();
            return new Protocol(1, v1.offset(), v1.addresses(),
                    v1.hasAoutKludge() ? OptionalLong.of(v1.entry()) : OptionalLong.empty(), ImageFormat.ELF32,
                    MultibootInfoWriter::write, MultibootInfoWriter.BOOTLOADER_MAGIC, v1.wantsVideoMode());
        }
        int v2 = Multiboot2Header.find(image);
        if (v2 >= 0) {
            Multiboot2Header header = Multiboot2Header.parse(image, v2);
            if (header.addresses() != null && header.entry().isEmpty()) {
                throw new ImageLoadException(Reason.BAD_MULTIBOOT_HEADER, String.format("the multiboot2 header at %s"
                        + " has an address tag but no entry address tag, so uhv cannot tell where the kernel starts",
                        hex(v2)));
            }
            return new Protocol(2, v2, header.addresses(), header.entry(), ImageFormat.ELF,
                    Multiboot2InfoWriter::write, Multiboot2InfoWriter.BOOTLOADER_MAGIC, false);
        }
        throw notMultiboot(image);
    }

    /**
     * Without address fields the kernel must be ELF; for v1 an i386 ELF32, as QEMU requires ("Cannot
     * load x86-64 image, give a 32bit one"). GRUB 2 also loads ELF64 multiboot2 kernels, and so does uhv.
     */
    private static void checkElfClass(byte[] image, Protocol protocol) throws ImageLoadException {
        if (!ElfIdent.hasMagic(image)) {
            throw new ImageLoadException(Reason.BAD_MULTIBOOT_HEADER, String.format("this multiboot v%d kernel is"
                    + " not an ELF file and its header has no %s, so uhv cannot tell where it loads",
                    protocol.version(), protocol.version() == 1 ? "address fields (flags bit 16)" : "address tag"));
        }
        if (protocol.elfFormat() == ImageFormat.ELF32 && image.length > ElfIdent.EI_CLASS
                && ElfClass.ofIdent(image[ElfIdent.EI_CLASS]) == ElfClass.ELF64) {
            throw new ImageLoadException(Reason.WRONG_CLASS, "this multiboot kernel is an ELF64 file; a multiboot v1"
                    + " kernel without address fields (flags bit 16) must be an i386 ELF32, as QEMU requires");
        }
    }

    private static void checkEntry(long entry, String what, GuestMemory ram) throws ImageLoadException {
        if (!ram.contains(entry, 1)) {
            throw new ImageLoadException(Reason.ENTRY_OUTSIDE_RAM, String.format("%s %s is outside %s", what,
                    hex(entry), ram(ram)));
        }
    }

    /** --format multiboot on an image without a valid header: say what was looked for and what was found. */
    private static ImageLoadException notMultiboot(byte[] image) {
        int badChecksum = MultibootHeader.magicOffset(image, false);
        String found = badChecksum < 0 ? "" : String.format("; the v1 magic at %s has a wrong checksum (magic + flags"
                + " + checksum must be 0 mod 2^32)", hex(badChecksum));
        return new ImageLoadException(Reason.NOT_MULTIBOOT, "no multiboot header: no valid 0x1badb002 (v1) in the"
                + " first 8 KiB, 4-byte aligned, nor 0xe85250d6 (v2) in the first 32 KiB, 8-byte aligned" + found);
    }
}
