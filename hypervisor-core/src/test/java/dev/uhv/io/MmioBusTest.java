package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MmioBusTest {
    private static final long LAPIC = 0xfee0_0000L;
    private static final long IOAPIC = 0xfec0_0000L;
    private static final int PAGE = 0x1000;

    private final MmioBus bus = new MmioBus();
    private final RecordingMmioDevice lapic = new RecordingMmioDevice("lapic", PAGE);
    private final RecordingMmioDevice ioapic = new RecordingMmioDevice("ioapic", PAGE);

    @Test
    void routesByOffsetFromTheBase() {
        bus.register(LAPIC, PAGE, lapic);
        bus.register(IOAPIC, PAGE, ioapic);
        lapic.poke(0x20, 4, 0x0100_0000);

        assertEquals(0x0100_0000, bus.read(LAPIC + 0x20, 4));
        bus.write(IOAPIC + 0x10, 4, 0x1234);

        assertEquals(List.of("r20/4"), lapic.accesses());
        assertEquals(List.of("w10/4=1234"), ioapic.accesses());
    }

    @Test
    void claimsExactlyTheRegisteredRange() {
        bus.register(IOAPIC, PAGE, ioapic);
        bus.register(LAPIC, PAGE, lapic);

        assertFalse(bus.claims(IOAPIC - 1));
        assertSame(ioapic, bus.deviceAt(IOAPIC));
        assertSame(ioapic, bus.deviceAt(IOAPIC + PAGE - 1));
        assertFalse(bus.claims(IOAPIC + PAGE));
        assertSame(lapic, bus.deviceAt(LAPIC + 0x300));
        assertNull(bus.deviceAt(LAPIC + PAGE));
        assertFalse(bus.claims(-1L), "a high linear address is no physical one");
        assertFalse(new MmioBus().claims(0));
    }

    @Test
    void readsAndWritesAreMaskedToTheirSize() {
        bus.register(LAPIC, PAGE, lapic);
        lapic.answering(-1L, -1L, -1L, -1L);

        assertEquals(0xffL, bus.read(LAPIC, 1));
        assertEquals(0xffffL, bus.read(LAPIC, 2));
        assertEquals(0xffff_ffffL, bus.read(LAPIC, 4));
        assertEquals(-1L, bus.read(LAPIC, 8));
        bus.write(LAPIC + 8, 2, 0x1234_5678L);
        bus.write(LAPIC + 8, 8, 0x8877_6655_4433_2211L);

        assertEquals(List.of("r0/1", "r0/2", "r0/4", "r0/8", "w8/2=5678", "w8/8=8877665544332211"), lapic.accesses());
    }

    @Test
    void anAccessThatRunsPastTheEndGoesWholeToTheDeviceOfItsFirstByte() {
        bus.register(LAPIC, PAGE, lapic);

        bus.write(LAPIC + PAGE - 2, 4, 0xaabbccdd);

        assertEquals(List.of("wffe/4=aabbccdd"), lapic.accesses());
    }

    @Test
    void otherSizesAreABug() {
        bus.register(LAPIC, PAGE, lapic);

        assertThrows(IllegalArgumentException.class, () -> bus.read(LAPIC, 3));
        assertThrows(IllegalArgumentException.class, () -> bus.write(LAPIC, 16, 0));
    }

    @Test
    void anUnclaimedAccessIsTheCallersMistake() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bus.read(LAPIC, 4));
        assertEquals("no MMIO device at 0xfee00000", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bus.write(LAPIC, 4, 0));
    }

    @Test
    void overlapsAreRefusedNamingBothDevices() {
        bus.register(LAPIC, PAGE, lapic);
        RecordingMmioDevice other = new RecordingMmioDevice("hpet", PAGE);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bus.register(LAPIC + PAGE - 1, 2, other));
        assertEquals("cannot put hpet at 0xfee00fff-0xfee01000: it overlaps lapic at 0xfee00000-0xfee00fff",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bus.register(LAPIC - 1, 2, other));
        assertThrows(IllegalArgumentException.class, () -> bus.register(LAPIC - PAGE, 3 * PAGE, other));
        bus.register(LAPIC - PAGE, PAGE, other); // adjacent ranges are fine
        bus.register(LAPIC + PAGE, PAGE, new RecordingMmioDevice("after", PAGE));
        assertSame(other, bus.deviceAt(LAPIC - 1));
    }

    @Test
    void rangesOutsideThePhysicalAddressSpaceAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> bus.register(-PAGE, PAGE, lapic));
        assertThrows(IllegalArgumentException.class, () -> bus.register(LAPIC, 0, lapic));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bus.register(MmioBus.ADDRESS_LIMIT - PAGE, 2 * PAGE, lapic));
        assertTrue(e.getMessage().startsWith("cannot put lapic at 0xffffffffff000+0x2000: outside"), e.getMessage());
        bus.register(MmioBus.ADDRESS_LIMIT - PAGE, PAGE, lapic);
    }

    @Test
    void aDeviceIsRegisteredOnce() {
        bus.register(LAPIC, PAGE, lapic);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bus.register(IOAPIC, PAGE, lapic));
        assertEquals("cannot register lapic at 0xfec00000: it is already at 0xfee00000", e.getMessage());
    }

    @Test
    void moveRelocatesTheRangeKeepingItsSize() {
        bus.register(IOAPIC, PAGE, ioapic);
        bus.register(LAPIC, PAGE, lapic);

        bus.move(lapic, 0x1_0000_0000L);

        assertFalse(bus.claims(LAPIC));
        assertEquals(0x1_0000_0000L, bus.baseOf(lapic));
        assertSame(lapic, bus.deviceAt(0x1_0000_0fffL));
        assertFalse(bus.claims(0x1_0000_1000L));
        assertSame(ioapic, bus.deviceAt(IOAPIC));
        bus.read(0x1_0000_0030L, 4);
        assertEquals(List.of("r30/4"), lapic.accesses());
    }

    @Test
    void moveBelowAnotherDeviceKeepsLookupsSorted() {
        bus.register(IOAPIC, PAGE, ioapic);
        bus.register(LAPIC, PAGE, lapic);

        bus.move(lapic, 0x8000_0000L);

        assertSame(lapic, bus.deviceAt(0x8000_0000L));
        assertSame(ioapic, bus.deviceAt(IOAPIC + 4));
        bus.move(lapic, LAPIC);
        assertSame(lapic, bus.deviceAt(LAPIC));
    }

    @Test
    void moveOntoItselfOrPartlyOverItsOldRangeIsFine() {
        bus.register(LAPIC, PAGE, lapic);

        bus.move(lapic, LAPIC);
        bus.move(lapic, LAPIC + 0x800);

        assertSame(lapic, bus.deviceAt(LAPIC + 0x17ff));
        assertFalse(bus.claims(LAPIC));
    }

    @Test
    void aRefusedMoveLeavesTheBusAsItWas() {
        bus.register(IOAPIC, PAGE, ioapic);
        bus.register(LAPIC, PAGE, lapic);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bus.move(lapic, IOAPIC));
        assertEquals("cannot put lapic at 0xfec00000-0xfec00fff: it overlaps ioapic at 0xfec00000-0xfec00fff",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bus.move(lapic, MmioBus.ADDRESS_LIMIT));

        assertSame(lapic, bus.deviceAt(LAPIC));
        assertSame(ioapic, bus.deviceAt(IOAPIC));
    }

    @Test
    void movingAnUnregisteredDeviceIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bus.move(lapic, LAPIC));
        assertEquals("cannot move lapic: it is not on the MMIO bus", e.getMessage());
        assertEquals(-1, bus.baseOf(lapic));
    }
}
