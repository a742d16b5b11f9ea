package dev.uhv.loader;

import static dev.uhv.loader.Messages.hex;
import static dev.uhv.loader.Messages.ram;

import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * Where multiboot modules go: one after another above the kernel, each at a 4 KiB boundary, as QEMU
 * places -initrd modules. The specification asks for page alignment only when the kernel sets flags
 * bit 0 (v1) or the module alignment tag (v2); uhv aligns them always, which every kernel accepts.
 */
final class ModulePlacement {
    static final long PAGE = 4096;

    /** A module at [start, start + its length); the kernel's end is exclusive, as QEMU writes mod_end. */
    record Placed(BootModule module, long start) {
        long end() {
            return start + module.data().length;
        }
    }

    private ModulePlacement() {
    }

    /** Places every module above kernelEnd and checks it fits in RAM; writes nothing. */
    static List<Placed> place(List<BootModule> modules, long kernelEnd, GuestMemory ram) throws ImageLoadException {
        List<Placed> placed = new ArrayList<>();
        long next = pageAlign(kernelEnd);
        for (BootModule m : modules) {
            if (!ram.contains(next, m.data().length)) {
                throw new ImageLoadException(Reason.MODULE_OUTSIDE_RAM, String.format("module %s (%s bytes) would"
                        + " load at %s, above the kernel, and does not fit in %s: give more --mem", m.name(),
                        hex(m.data().length), hex(next), ram(ram)));
            }
            Placed p = new Placed(m, next);
            placed.add(p);
            next = pageAlign(p.end());
        }
        return placed;
    }

    /** One past the last module's page (kernelEnd's page if there are none): for sizing guest RAM. */
    static long end(List<BootModule> modules, long kernelEnd) {
        long next = pageAlign(kernelEnd);
        for (BootModule m : modules) {
            next = pageAlign(next + m.data().length);
        }
        return next;
    }

    static void write(List<Placed> modules, GuestMemory ram) {
        for (Placed p : modules) {
            ram.write(p.start(), p.module().data(), 0, p.module().data().length);
        }
    }

    private static long pageAlign(long address) {
        return (address + PAGE - 1) & -PAGE;
    }
}
