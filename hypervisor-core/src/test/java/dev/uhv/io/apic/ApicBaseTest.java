package dev.uhv.io.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.GuestFault;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IA32_APIC_BASE as the local APIC owns it: reserved bits, the read-only BSP flag, relocation of
 * the MMIO page, and the x2APIC state transitions of SDM Vol. 3A, 10.12.5.1 (Figure 10-27).
 */
class ApicBaseTest {
    static final int APIC_BASE = 0x1b;
    static final long DISABLED = 0xfee0_0000L, XAPIC = 0xfee0_0800L, X2APIC = 0xfee0_0c00L, INVALID = 0xfee0_0400L;

    private final LocalApic apic = new LocalApic(48, () -> 0);
    private final List<String> moves = new ArrayList<>();

    ApicBaseTest() {
        apic.onRelocate((from, to) -> moves.add(Long.toHexString(from) + "->" + Long.toHexString(to)));
    }

    private GuestFault gp(long value) {
        GuestFault f = assertThrows(GuestFault.class, () -> apic.write(APIC_BASE, value),
                () -> String.format("wrmsr APIC_BASE = 0x%x from %s", value, apic.mode()));
        assertEquals(GuestFault.GP, f.vector());
        return f;
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 1L << 7, 1L << 9, 1L << 48, 1L << 63})
    void reservedBitsAreGp(long bit) throws GuestFault {
        gp(XAPIC | bit);

        assertEquals(0xfee0_0900L, apic.read(APIC_BASE));
    }

    @Test
    void bspIsTheProcessorsNotSoftwares() throws GuestFault {
        apic.write(APIC_BASE, XAPIC);

        assertEquals(0xfee0_0900L, apic.read(APIC_BASE));
    }

    @Test
    void xapicToX2apicAndBackThroughDisabled() throws GuestFault {
        apic.write(APIC_BASE, X2APIC);
        assertEquals(ApicMode.X2APIC, apic.mode());

        apic.write(APIC_BASE, DISABLED);
        assertEquals(ApicMode.DISABLED, apic.mode());

        apic.write(APIC_BASE, XAPIC);
        assertEquals(ApicMode.XAPIC, apic.mode());
    }

    @Test
    void x2apicToXapicDirectlyIsGp() throws GuestFault {
        apic.write(APIC_BASE, X2APIC);

        gp(XAPIC);

        assertEquals(ApicMode.X2APIC, apic.mode());
    }

    /** "From the disabled state, the only valid x2APIC transition ... is to the xAPIC mode." */
    @Test
    void disabledToX2apicDirectlyIsGp() throws GuestFault {
        apic.write(APIC_BASE, DISABLED);

        GuestFault f = gp(X2APIC);

        assertEquals(ApicMode.DISABLED, apic.mode());
        assertTrue(f.getMessage().contains("xAPIC mode before x2APIC mode"), f.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {DISABLED, XAPIC, X2APIC})
    void theInvalidStateIsGpFromEveryState(long state) throws GuestFault {
        if (state == X2APIC) {
            apic.write(APIC_BASE, XAPIC);
        }
        apic.write(APIC_BASE, state);

        gp(INVALID);

        assertEquals(ApicMode.of(state), apic.mode());
    }

    @Test
    void disablingReturnsTheRegistersToTheirPowerUpValues() throws GuestFault {
        apic.write(0xf0, 4, 0x1ff);
        apic.write(0x80, 4, 0x40);
        apic.write(0x320, 4, 0x20);

        apic.write(APIC_BASE, DISABLED);
        apic.write(APIC_BASE, XAPIC);

        assertEquals(0xff, apic.read(0xf0, 4));
        assertEquals(0, apic.read(0x80, 4));
        assertEquals(0x10000, apic.read(0x320, 4));
    }

    @Test
    void aDisabledApicsPageFloats() throws GuestFault {
        apic.write(APIC_BASE, DISABLED);

        apic.write(0x80, 4, 0x40);

        assertEquals(-1L, apic.read(0x30, 4));
        apic.write(APIC_BASE, XAPIC);
        assertEquals(0, apic.read(0x80, 4));
    }

    @Test
    void movingThePageTellsTheListenerOnce() throws GuestFault {
        apic.write(APIC_BASE, 0xfed0_0800L);
        apic.write(APIC_BASE, 0xfed0_0c00L); // same page, x2APIC mode: no move
        apic.write(APIC_BASE, 0xfed0_0000L); // disabled, same page

        assertEquals(List.of("fee00000->fed00000"), moves);
        assertEquals(0xfed0_0000L, apic.mmioBase());
    }

    @Test
    void aMoveTheListenerRefusesLeavesTheBaseAsItWas() {
        apic.onRelocate((from, to) -> {
            throw GuestFault.gp("page taken");
        });

        assertEquals("page taken", gp(0xfec0_0800L).getMessage());

        assertEquals(0xfee0_0900L, apic.apicBase());
    }

    @Test
    void aRefusedWriteMovesNothing() {
        gp(0xfed0_0400L);

        assertEquals(List.of(), moves);
        assertEquals(0xfee0_0000L, apic.mmioBase());
    }

    @Test
    void thePageMayUseEveryPhysicalAddressBit() throws GuestFault {
        LocalApic narrow = new LocalApic(36, () -> 0);

        narrow.write(APIC_BASE, 0xf_ffff_f800L);
        assertEquals(0xf_ffff_f000L, narrow.mmioBase());
        assertEquals(GuestFault.GP, assertThrows(GuestFault.class,
                () -> narrow.write(APIC_BASE, 0x10_0000_0800L)).vector());
    }
}
