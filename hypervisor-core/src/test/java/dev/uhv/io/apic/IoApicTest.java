package dev.uhv.io.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The I/O APIC through IOREGSEL (0x00) and IOWIN (0x10), as the 82093AA datasheet lays them out. */
class IoApicTest {
    private final IoApic ioapic = new IoApic();

    private long readRegister(int index) {
        ioapic.write(0x00, 4, index);
        return ioapic.read(0x10, 4);
    }

    private void writeRegister(int index, long value) {
        ioapic.write(0x00, 4, index);
        ioapic.write(0x10, 4, value);
    }

    @Test
    void resetsWithEveryPinMasked() {
        assertEquals("ioapic", ioapic.name());
        assertEquals(0, readRegister(0), "ID");
        assertEquals(0x0017_0011, readRegister(1), "24 entries, version 0x11");
        assertEquals(0, readRegister(2), "arbitration ID");
        for (int pin = 0; pin < IoApic.PINS; pin++) {
            assertEquals(0x10000, readRegister(0x10 + 2 * pin), "pin " + pin + " low");
            assertEquals(0, readRegister(0x11 + 2 * pin), "pin " + pin + " high");
            assertEquals(0x10000, ioapic.redirectionEntry(pin));
        }
    }

    @Test
    void theIdKeepsBits27To24AndTheArbitrationIdFollowsIt() {
        writeRegister(0, 0xffff_ffffL);

        assertEquals(0x0f00_0000L, readRegister(0));
        assertEquals(0x0f00_0000L, readRegister(2));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void versionAndArbitrationAreReadOnly(int index) {
        long before = readRegister(index);

        writeRegister(index, 0x1234_5678L);

        assertEquals(before, readRegister(index));
    }

    @Test
    void redirectionEntriesKeepTheirDefinedBits() {
        writeRegister(0x10 + 2 * 23, 0xffff_ffffL);
        writeRegister(0x11 + 2 * 23, 0xffff_ffffL);

        assertEquals(0x1afff, readRegister(0x10 + 2 * 23), "no delivery status (12) or remote IRR (14)");
        assertEquals(0xff00_0000L, readRegister(0x11 + 2 * 23), "destination 63:56");
        assertEquals(0xff00_0000_0001_afffL, ioapic.redirectionEntry(23));
    }

    @Test
    void eachHalfOfAnEntryIsWrittenAlone() {
        writeRegister(0x12, 0x0000_0031L); // pin 1 unmasked, vector 0x31
        writeRegister(0x13, 0x0100_0000L);
        writeRegister(0x12, 0x0001_0031L); // masked again

        assertEquals(0x0100_0000_0001_0031L, ioapic.redirectionEntry(1));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 0x0f, 0x40, 0xff})
    void anIndexThatSelectsNothingReadsAllOnes(int index) {
        writeRegister(index, 0);

        assertEquals(0xffff_ffffL, readRegister(index));
    }

    @Test
    void ioregselKeepsItsLowByteAndTakesAnySize() {
        ioapic.write(0x00, 4, 0x1234_5601L);
        assertEquals(0x01, ioapic.read(0x00, 4));

        ioapic.write(0x00, 1, 0x10);
        assertEquals(0x10, ioapic.read(0x00, 1));
        assertEquals(0x10000, ioapic.read(0x10, 4));
    }

    @Test
    void narrowIowinReadsSeeTheRegistersBytesAndNarrowWritesAreDropped() {
        ioapic.write(0x00, 4, 1);

        assertEquals(0x11, ioapic.read(0x10, 1));
        assertEquals(0x17, ioapic.read(0x12, 1));
        assertEquals(0xffff_ffff_0017_0011L, ioapic.read(0x10, 8), "nothing at 0x14");

        ioapic.write(0x00, 4, 0x10);
        ioapic.write(0x10, 1, 0);
        assertEquals(0x10000, ioapic.read(0x10, 4));
    }

    @Test
    void theEoiRegisterOfLaterVersionsAndOtherOffsetsHoldNothing() {
        ioapic.write(0x40, 4, 0x31);

        assertEquals(0xffff_ffffL, ioapic.read(0x40, 4));
        assertEquals(0xffff_ffffL, ioapic.read(0x20, 4));
        assertEquals(0xffL, ioapic.read(0xfff, 1));
    }

    @Test
    void neverThrowsWhateverTheOffsetOrSize() {
        for (int offset = 0; offset < IoApic.MMIO_SIZE; offset++) {
            for (int size : new int[] {1, 2, 4, 8}) {
                ioapic.read(offset, size);
                ioapic.write(offset, size, -1L);
            }
        }
        assertEquals(0x0017_0011, readRegister(1));
    }
}
