package dev.uhv.gdb;

import dev.uhv.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoftwareBreakpointsTest {
    private final GuestMemory memory = GuestMemory.allocate(0x10000);
    private final SoftwareBreakpoints breakpoints = new SoftwareBreakpoints();

    @Test
    void int3IsInRamOnlyWhileInserted() {
        memory.writeU8(0x100, 0x55);
        memory.writeU8(0x200, 0xf4); // a code scanner's patch byte: kept under the breakpoint, as any byte
        assertTrue(breakpoints.add(0x100));
        assertTrue(breakpoints.add(0x200));
        assertTrue(breakpoints.add(0x100), "again: no change");
        assertArrayEquals(new long[] {0x100, 0x200}, breakpoints.addresses());
        breakpoints.insert(memory);
        assertEquals(0xcc, memory.readU8(0x100));
        assertEquals(0xcc, memory.readU8(0x200));
        breakpoints.lift(memory);
        assertEquals(0x55, memory.readU8(0x100));
        assertEquals(0xf4, memory.readU8(0x200));
    }

    @Test
    void aByteTheGuestRewroteWhileItRanStaysTheGuests() {
        memory.writeU8(0x100, 0x55);
        breakpoints.add(0x100);
        breakpoints.insert(memory);
        memory.writeU8(0x100, 0x90); // the guest's own store over the breakpoint
        breakpoints.lift(memory);
        assertEquals(0x90, memory.readU8(0x100));
    }

    @Test
    void changesOnlyWhileLifted() {
        breakpoints.add(0x100);
        breakpoints.insert(memory);
        assertThrows(IllegalStateException.class, () -> breakpoints.add(0x300));
        assertThrows(IllegalStateException.class, () -> breakpoints.remove(0x100));
        breakpoints.lift(memory);
        breakpoints.remove(0x100);
        assertFalse(breakpoints.contains(0x100));
        assertTrue(breakpoints.isEmpty());
    }

    @Test
    void aFullTableRefusesMore() {
        for (int i = 0; i < SoftwareBreakpoints.MAX; i++) {
            assertTrue(breakpoints.add(i));
        }
        assertFalse(breakpoints.add(SoftwareBreakpoints.MAX));
        breakpoints.clear();
        assertTrue(breakpoints.isEmpty());
    }
}
