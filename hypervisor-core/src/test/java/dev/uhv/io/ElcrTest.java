package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ElcrTest {

    @Test
    void resetsToEdgeAndKeepsTheIrqsThatAreAlwaysEdge() {
        Elcr elcr = new Elcr();
        assertEquals(0, elcr.read(0, 1));
        assertEquals(0, elcr.read(1, 1));
        elcr.write(0, 1, 0xff);
        elcr.write(1, 1, 0xff);
        assertEquals(0xf8, elcr.read(0, 1), "IRQ 0-2 are edge");
        assertEquals(0xde, elcr.read(1, 1), "IRQ 8 and 13 are edge");
    }

    @Test
    void aWordAccessCoversBothRegisters() {
        Elcr elcr = new Elcr();
        elcr.write(0, 2, 0x0e20);
        assertEquals(0x0e20 & 0xdef8, elcr.read(0, 2));
        assertEquals(0xffff_0e20 & 0xffff_def8, elcr.read(0, 4), "bytes past 0x4d1 float");
    }
}
