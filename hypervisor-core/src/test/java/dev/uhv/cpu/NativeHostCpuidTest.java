package dev.uhv.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.linux.HostCpu;
import org.junit.jupiter.api.Test;

/** The real host through libuhv: the model's fixed answers, and sanity of the raw instructions. */
class NativeHostCpuidTest {
    private final NativeHostCpuid host = new NativeHostCpuid();
    private final CpuidModel model = new CpuidModel(host);

    @Test
    void guestSeesUhvsSignatureAndTheHypervisorBit() {
        CpuidResult sig = model.query(0x4000_0000, 0, 0, 0);

        assertEquals(new CpuidResult(0x4000_0001, 0x75766875, 0x68757668, 0x76687576), sig);
        assertTrue(model.query(1, 0, 0, 0).ecx() < 0, "hypervisor bit 31");
    }

    @Test
    void hostCpuidReturnsAVendorAndLongMode() {
        CpuidResult leaf0 = host.query(0, 0);

        assertNotEquals(0, leaf0.ebx() | leaf0.ecx() | leaf0.edx(), "vendor string");
        assertEquals(1 << 29, host.query(0x8000_0001, 0).edx() & (1 << 29), "an x86-64 host has LM");
    }

    @Test
    void xgetbvShowsX87AndSseEnabledWhenTheHostHasOsxsave() {
        if ((host.query(1, 0).ecx() & (1 << 27)) == 0) {
            return; // xgetbv would be #UD; nothing to check on such a host
        }
        assertEquals(3, HostCpu.xgetbv(0) & 3, "XCR0 x87 and SSE bits (SDM Vol. 1 13.3)");
    }

    @Test
    void rdtscMovesForward() {
        long first = HostCpu.rdtsc();
        long second = HostCpu.rdtsc();

        assertTrue(Long.compareUnsigned(second, first) > 0, first + " then " + second);
    }
}
