package dev.uhv.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DR0-DR7 as SDM Vol. 3A, 17.2 and Vol. 2B, MOV - Move to/from Debug Registers define them. */
class DebugRegistersTest {
    private static final long CR4_NO_DE = ControlRegisters.CR4_PAE;
    private static final long CR4_DE = ControlRegisters.CR4_PAE | ControlRegisters.CR4_DE;

    private final DebugRegisters dr = new DebugRegisters();

    @Test
    void resetValuesAreDr6Ffff0ff0AndDr7400() throws GuestFault {
        assertEquals(0xffff_0ff0L, dr.read(6, CR4_NO_DE));
        assertEquals(0x400L, dr.read(7, CR4_NO_DE));
        assertEquals(0, dr.read(0, CR4_NO_DE));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void breakpointAddressRegistersKeepAll64Bits(int n) throws GuestFault {
        long address = 0xffff_ffff_8100_0000L + n;

        dr.write(n, address, CR4_NO_DE);

        assertEquals(address, dr.read(n, CR4_NO_DE));
    }

    @Test
    void dr6ReadsItsReservedBitsAsOnes() throws GuestFault {
        dr.write(6, 0, CR4_NO_DE);
        assertEquals(0xffff_0ff0L, dr.read(6, CR4_NO_DE));

        dr.write(6, 0x4001, CR4_NO_DE); // BS, B0
        assertEquals(0xffff_4ff1L, dr.read(6, CR4_NO_DE));
    }

    @Test
    void dr7ReadsBit10AsOneAndBits11_12_14_15AsZero() throws GuestFault {
        dr.write(7, 0, CR4_NO_DE);
        assertEquals(0x400L, dr.read(7, CR4_NO_DE));

        dr.write(7, 0xffff_ffffL, CR4_NO_DE);
        assertEquals(0xffff_27ffL, dr.read(7, CR4_NO_DE));
    }

    @ParameterizedTest
    @ValueSource(ints = {6, 7})
    void settingBits63To32OfDr6OrDr7IsGp(int n) throws GuestFault {
        long before = dr.read(n, CR4_NO_DE);

        GuestFault f = assertThrows(GuestFault.class, () -> dr.write(n, 1L << 32, CR4_NO_DE));

        assertEquals(GuestFault.GP, f.vector());
        assertEquals(before, dr.read(n, CR4_NO_DE));
    }

    @Test
    void dr0To3MayHaveBits63To32Set() throws GuestFault {
        dr.write(3, 0xffff_8000_0000_0000L, CR4_NO_DE);

        assertEquals(0xffff_8000_0000_0000L, dr.read(3, CR4_NO_DE));
    }

    @Test
    void dr4AndDr5AliasDr6AndDr7WithoutCr4De() throws GuestFault {
        dr.write(4, 0x1, CR4_NO_DE);
        dr.write(5, 0x2, CR4_NO_DE);

        assertEquals(0xffff_0ff1L, dr.read(6, CR4_NO_DE));
        assertEquals(0x402L, dr.read(7, CR4_NO_DE));
        assertEquals(0xffff_0ff1L, dr.read(4, CR4_NO_DE));
        assertEquals(0x402L, dr.read(5, CR4_NO_DE));
    }

    @Test
    void aliasedDr5WriteIsCheckedAsDr7() {
        GuestFault f = assertThrows(GuestFault.class, () -> dr.write(5, 1L << 40, CR4_NO_DE));

        assertEquals(GuestFault.GP, f.vector());
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void dr4AndDr5AreUdWithCr4De(int n) {
        assertEquals(GuestFault.UD, assertThrows(GuestFault.class, () -> dr.read(n, CR4_DE)).vector());
        assertEquals(GuestFault.UD, assertThrows(GuestFault.class, () -> dr.write(n, 0, CR4_DE)).vector());
    }

    @Test
    void dr8DoesNotExist() {
        assertEquals(GuestFault.UD, assertThrows(GuestFault.class, () -> dr.read(8, CR4_NO_DE)).vector());
    }

    @Test
    void snapshotIsACopyOfAllEight() throws GuestFault {
        dr.write(1, 0x1234, CR4_NO_DE);

        long[] snap = dr.snapshot();
        snap[1] = 0;

        assertArrayEquals(new long[] {0, 0x1234, 0, 0, 0, 0, 0xffff_0ff0L, 0x400}, dr.snapshot());
    }
}
