package dev.uhv.it;

import static dev.uhv.it.Checks.assertHex;
import static dev.uhv.it.Checks.assertLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.GuestFault;
import dev.uhv.exec.Vm;
import dev.uhv.io.MmioDevice;
import dev.uhv.it.InProcess.GuestRun;
import dev.uhv.loader.ImageLoadException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The apic guest end to end: the local APIC through its xAPIC MMIO page at 0xfee00000 (and at
 * 0xfef00000 while IA32_APIC_BASE moves it there), then through the x2APIC MSRs after the switch
 * by IA32_APIC_BASE. The guest checks every value itself
 * and prints FAIL lines on a mismatch. The #GP rules are LocalApicX2apicTest's and ApicBaseTest's.
 */
class ApicGuestTest {
    @TempDir
    Path dir;

    @AfterEach
    void noChildLeft() {
        Checks.assertNoChildProcess();
    }

    @Test
    void xapicRegistersThroughTheMmioPageThenX2apicThroughMsrs() {
        GuestRun run = InProcess.run(dir, "apic-mb.elf"); // the multiboot build: 32-bit entry, then long mode

        assertLines(run.serial(),
                "APIC_BASE=0x00000000fee00900",
                "xAPIC ID=0x00000000",
                "xAPIC version=0x00050014",
                "xAPIC SPIV=0x000001ff",
                "xAPIC TPR=0x00000020",
                "xAPIC LVT timer=0x00020030",
                "xAPIC ICR after INIT=0x00004500",
                "xAPIC TPR at 0xfef00000=0x00000020",
                "APIC_BASE in x2APIC mode=0x00000000fee00d00",
                "x2APIC ID=0x0000000000000000",
                "x2APIC version=0x0000000000050014",
                "x2APIC LDR=0x0000000000000001",
                "x2APIC TPR from xAPIC mode=0x0000000000000020",
                "x2APIC TPR=0x0000000000000030",
                "x2APIC SPIV=0x00000000000001fe",
                "x2APIC LVT timer=0x0000000000010031",
                "x2APIC ICR=0x0000000100004500",
                "xAPIC page in x2APIC mode=0xffffffff");
        assertEquals(1, run.status(), () -> "exit status; " + run.summary());
        assertHex(0xfee0_0d00L, run.dump().msrs().get("APIC_BASE"), "APIC_BASE at exit: x2APIC mode");
        assertTrue(run.dump().trapsByFamily().get("mmio") > 0, run.dump().trapsByFamily().toString());
    }

    private static Vm apicVm() throws ImageLoadException {
        return Vm.create(Guests.config("apic-mb.elf", OutputStream.nullOutputStream(), null));
    }

    private static void gp(Vm vm, long apicBase) {
        assertEquals(GuestFault.GP, assertThrows(GuestFault.class, () -> vm.cpu().msrs().write(0x1b, apicBase),
                () -> String.format("wrmsr APIC_BASE = 0x%x", apicBase)).vector());
    }

    @Test
    void theVmPutsBothApicsOnTheMmioBusAndTheLocalApicsPageFollowsApicBase() throws Exception {
        try (Vm vm = apicVm()) {
            MmioDevice lapic = vm.mmio().deviceAt(0xfee0_0000L);
            assertEquals("lapic", lapic.name());
            assertEquals("ioapic", vm.mmio().deviceAt(0xfec0_0fffL).name());

            vm.cpu().msrs().write(0x1b, 0xfef0_0900L);
            assertEquals(0xfef0_0000L, vm.mmio().baseOf(lapic));
            assertNull(vm.mmio().deviceAt(0xfee0_0000L));

            gp(vm, 0xfec0_0900L); // the I/O APIC's page
            gp(vm, 0x0010_0900L); // guest RAM, mapped natively
            assertEquals(0xfef0_0900L, vm.cpu().msrs().apicBase());
            assertEquals(0xfef0_0000L, vm.mmio().baseOf(lapic));
        }
    }
}
