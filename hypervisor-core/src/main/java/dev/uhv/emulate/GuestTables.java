package dev.uhv.emulate;

import dev.uhv.cpu.IdtGate;
import dev.uhv.cpu.SegmentDescriptor;
import dev.uhv.cpu.TableRegister;
import dev.uhv.memory.GuestMemory;

import java.util.ArrayList;
import java.util.List;

/**
 * The guest's descriptor tables as a person reads them (the state dump, gdb's monitor): each entry
 * within the table's limit, as far as the table lies in guest RAM. Reads RAM directly, not as the CPU
 * would (no fault is raised for the guest).
 */
public final class GuestTables {
    private GuestTables() {
    }

    /** A present gate of the IDT, at its vector. */
    public record Gate(int vector, IdtGate gate) {
    }

    /**
     * A non-null GDT entry at its selector. A system descriptor (TSS, LDT) takes 16 bytes in IA-32e
     * mode (SDM Vol. 3A, 8.2.3): high holds its upper 8 bytes (bits 63:32 of its base), else 0.
     */
    public record Entry(int selector, SegmentDescriptor descriptor, long high) {
        /** The base, with bits 63:32 of a 16-byte system descriptor. */
        public long base() {
            return descriptor.base() | (high & 0xffff_ffffL) << 32;
        }
    }

    /** The present gates of the IDT at idtr; gateSize is 16 in IA-32e mode, 8 outside it. */
    public static List<Gate> presentGates(TableRegister idtr, GuestMemory ram, int gateSize) {
        List<Gate> gates = new ArrayList<>();
        for (int v = 0; v < 256 && v * (long) gateSize + gateSize - 1 <= idtr.limit(); v++) {
            long at = idtr.base() + v * (long) gateSize;
            if (!ram.contains(at, gateSize)) {
                break;
            }
            IdtGate g = IdtGate.decode(ram.read(at, 8), gateSize == IdtGate.SIZE ? ram.read(at + 8, 8) : 0);
            if (g.present()) {
                gates.add(new Gate(v, g));
            }
        }
        return gates;
    }

    /** The GDT's entries that are not all zeros, from selector 0x08 up. */
    public static List<Entry> gdtEntries(TableRegister gdtr, GuestMemory ram, boolean ia32e) {
        List<Entry> entries = new ArrayList<>();
        for (long offset = 8; offset + 7 <= gdtr.limit(); offset += 8) {
            long at = gdtr.base() + offset;
            if (!ram.contains(at, 8)) {
                break;
            }
            SegmentDescriptor d = new SegmentDescriptor(ram.read(at, 8));
            if (d.raw() == 0) {
                continue;
            }
            long high = 0;
            if (ia32e && d.isSystem() && offset + 15 <= gdtr.limit() && ram.contains(at + 8, 8)) {
                high = ram.read(at + 8, 8);
                entries.add(new Entry((int) offset, d, high));
                offset += 8;
                continue;
            }
            entries.add(new Entry((int) offset, d, high));
        }
        return entries;
    }
}
