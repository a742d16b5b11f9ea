package dev.uhv.it;

import static dev.uhv.it.Checks.assertHex;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.it.InProcess.GuestRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The long-mode guest (guests/README.md): a multiboot kernel that goes from 32-bit protected mode to
 * 64-bit mode on its own GDT and identity page tables, and what uhv must refuse on the way.
 */
class LongModeTest {
    @TempDir
    Path dir;

    @AfterEach
    void noChildLeft() {
        Checks.assertNoChildProcess();
    }

    @Test
    void aMultibootKernelEntersLongModeAndPrintsFromBothModes() {
        GuestRun run = InProcess.run(dir, "long-mode.elf");

        assertEquals("""
                long-mode: 32-bit protected mode, eax=0x2badb002
                long-mode: far jump through the host's CS reached its own code
                long-mode: #UD through the 32-bit IDT
                long-mode: back from the #UD handler
                long-mode: fs:0 through FS_BASE = 0xf5da7a32
                long-mode: paging on, EFER=0x00000500
                long-mode: 64-bit mode
                long-mode: int 0x40 through a gate holding the host's CS
                long-mode: back from int 0x40
                long-mode: gs:0 through GS_BASE = 0x64b17c0de0000064
                long-mode: done
                """, run.serial());
        assertEquals(1, run.status());
        long pml4 = Guests.symbol("long-mode.elf", "pml4");
        assertAll(
                () -> assertHex(0x8000_0011L, run.dump().controlRegisters().get("cr0"), "cr0"),
                () -> assertHex(pml4, run.dump().controlRegisters().get("cr3"), "cr3"),
                () -> assertEquals("4-level", run.dump().controlRegisters().get("paging")),
                () -> assertHex(0x500, run.dump().controlRegisters().get("efer"), "efer: LME and LMA"),
                () -> assertEquals(64, run.dump().codeBits()),
                () -> assertHex(0x18, run.dump().segments().get("cs"), "its own 64-bit code selector"),
                () -> assertHex(0x10, run.dump().segments().get("ss"), "ss"),
                () -> assertHex(Guests.symbol("long-mode.elf", "gs_data"), run.dump().registers().get("gs_base"),
                        "gs_base"),
                () -> assertEquals(1L, run.dump().trapsByFamily().get("interrupt"), "int 0x40"));
        assertTrue(run.dump().exceptions().stream().anyMatch(x -> x.vector().equals("#UD")
                && x.outcome().equals("delivered")), run.dump().exceptions().toString());
    }

    @Test
    void aMappingThatIsNotTheIdentityEndsTheRunNamingIt() {
        GuestRun run = InProcess.run(dir, "long-mode.elf", "--append", "remap");

        assertTrue(run.serial().endsWith("long-mode: mapping virtual 0x200000 to physical 0\n"), run.serial());
        assertEquals(6, run.status());
        assertEquals("unsupported mapping", run.dump().exitReason());
        assertEquals(String.format("guest-virtual 0x200000 maps to guest-physical 0x0 (a 2 MiB page; 4-level paging, "
                + "CR3 0x%x): uhv runs guest code on the identity mapping only",
                Guests.symbol("long-mode.elf", "pml4")), run.dump().detail());
        assertEquals(32, run.dump().codeBits(), "stopped at the mov to CR0, before the far jump");
    }
}
