package dev.uhv.it;

import dev.uhv.exec.StateDump;
import dev.uhv.it.InProcess.GuestRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static dev.uhv.it.Checks.assertHex;
import static dev.uhv.it.Checks.assertLines;
import static dev.uhv.it.Checks.hex;
import static dev.uhv.it.Checks.hex16;
import static dev.uhv.it.Checks.summaryText;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every guest of guests/README.md run end to end through `uhv run` in this JVM: the exact serial
 * and debugcon output the README gives, the exit status, and the state dump. Addresses of guest
 * data (0x101000...) are the symbols of the linked guests (`nm guests/NAME.elf`).
 */
class GuestsTest {
    private static final long CR0_ENTRY = 0x80010033L; // PE|MP|ET|NE|WP|PG, uhv's documented entry CR0
    private static final long EFER_ENTRY = 0xd01;       // LME|LMA|SCE|NXE

    @TempDir
    Path dir;

    @AfterEach
    void noChildLeft() {
        Checks.assertNoChildProcess();
    }

    private static void assertGuestExit(GuestRun run, int status) {
        assertEquals(status, run.status(), "exit status");
        assertNotNull(run.dump(), "no state dump written");
        assertEquals("debug exit", run.dump().exitReason());
        assertEquals(status, run.dump().exitStatus());
        assertEquals("guest exited with status " + status, summaryText(run.summary(), run.dump()));
    }

    private static void assertFamilies(StateDump dump, Set<String> families) {
        assertEquals(families, dump.trapsByFamily().keySet(), "families that trapped");
        dump.trapsByFamily().forEach((f, n) -> assertTrue(n > 0, f + " count " + n));
        assertEquals(dump.traps(), dump.trapsByFamily().values().stream().mapToLong(Long::longValue).sum(),
                "per-family counts add up to the trap count");
    }

    @Test
    void demo() {
        GuestRun run = InProcess.run(dir, "demo.elf");
        assertGuestExit(run, 1);
        StateDump d = run.dump();
        assertLines(run.serial(),
                "uhv demo kernel: hello from ring 0 (virtual)",
                "cr0=0x0000000080010033",
                "cr4=" + hex16(hex(d.controlRegisters().get("cr4"))),
                "STAR=0x0023001000000000",
                "LSTAR=0xffffffff81000000",
                "CSTAR=0xffffffff81000040",
                "SFMASK=0x0000000000047700",
                "demo done");
        assertEquals("debugcon: hello from the demo kernel\n", run.debugcon());
        assertAll(
                () -> assertHex(0x0023001000000000L, d.msrs().get("STAR"), "STAR"),
                () -> assertHex(0xffffffff81000000L, d.msrs().get("LSTAR"), "LSTAR"),
                () -> assertHex(0xffffffff81000040L, d.msrs().get("CSTAR"), "CSTAR"),
                () -> assertHex(0x47700, d.msrs().get("SFMASK"), "SFMASK"),
                () -> assertHex(CR0_ENTRY, d.controlRegisters().get("cr0"), "cr0"),
                () -> assertHex(EFER_ENTRY, d.controlRegisters().get("efer"), "efer"),
                () -> assertHex(EFER_ENTRY, d.msrs().get("EFER"), "EFER msr"),
                () -> assertEquals(0, d.cpl(), "cpl"),
                () -> assertFalse(d.interruptFlag(), "IF"));
        // Two CR reads, four wrmsr + four rdmsr, and the UART.
        assertFamilies(d, Set.of("control_register", "msr", "port_io"));
        assertEquals(2L, d.trapsByFamily().get("control_register"));
        assertEquals(8L, d.trapsByFamily().get("msr"));
    }

    @Test
    void controlRegisters() {
        GuestRun run = InProcess.run(dir, "cr.elf");
        assertGuestExit(run, 1);
        StateDump d = run.dump();
        long cr4 = hex(d.controlRegisters().get("cr4"));
        assertLines(run.serial(),
                "cr0=0x0000000080010033",
                "cr0 with AM toggled=0x0000000080050033",
                "cr2=0x0000000001234000",
                "cr3=0x0000000000002000",
                "cr4=" + hex16(cr4),
                "cr8=0x0000000000000005");
        assertEquals(0x600, cr4 & 0x600, "CR4.OSFXSR and OSXMMEXCPT set");
        // The guest's last writes: CR2 = 0x1234000, CR3 restored to its entry value (0), CR8 = 0, CR0 restored.
        assertAll(
                () -> assertHex(0x1234000, d.controlRegisters().get("cr2"), "cr2"),
                () -> assertHex(0, d.controlRegisters().get("cr3"), "cr3"),
                () -> assertHex(0, d.controlRegisters().get("cr8"), "cr8"),
                () -> assertHex(CR0_ENTRY, d.controlRegisters().get("cr0"), "cr0"));
        // 5 CR0 + 2 CR2 + 4 CR3 + 3 CR4 + 3 CR8 moves in cr.s.
        assertFamilies(d, Set.of("control_register", "port_io"));
        assertEquals(17L, d.trapsByFamily().get("control_register"));
    }

    @Test
    void reservedCr4BitIsAnUnhandledGp() {
        GuestRun run = InProcess.run(dir, "cr-reserved.elf");
        assertEquals(4, run.status(), "exit status");
        assertLines(run.serial(), "writing reserved CR4 bit");
        StateDump d = run.dump();
        assertEquals("unhandled guest exception #GP", d.exitReason());
        assertTrue(d.detail().contains("#GP"), d.detail());
        assertTrue(d.detail().toLowerCase().contains("cr4"), d.detail());
        assertEquals(0, hex(d.controlRegisters().get("cr4")) >>> 63, "the reserved bit was not written");
        assertTrue(summaryText(run.summary(), d).startsWith("unhandled guest exception #GP: "), run.summary());
        assertEquals("#GP", d.exceptions().get(d.exceptions().size() - 1).vector(), "the last exception");
    }

    @Test
    void msrs() {
        GuestRun run = InProcess.run(dir, "msr.elf");
        assertGuestExit(run, 1);
        StateDump d = run.dump();
        assertLines(run.serial(),
                "STAR=0x0023001000000000",
                "LSTAR=0xffffffff81000000",
                "CSTAR=0xffffffff81000040",
                "SFMASK=0x0000000000047700",
                "KERNEL_GS_BASE=0xffff888000000000",
                "TSC_AUX=0x0000000000000007",
                "PAT=0x0407050600070106",
                "SYSENTER_CS=0x0000000000000010",
                "SYSENTER_ESP=0x0000000081800000",
                "SYSENTER_EIP=0x0000000081000080",
                "MISC_ENABLE=" + hex16(hex(d.msrs().get("MISC_ENABLE"))),
                "MTRRcap=" + hex16(hex(d.msrs().get("MTRRCAP"))),
                "MTRRdefType=0x0000000000000806",
                "APIC_BASE=0x00000000fee00900",
                "EFER=0x0000000000000d01",
                // FS_BASE and GS_BASE took real effect: loads through %fs/%gs saw the guest's qwords.
                "fs:[0]=0x1122334455667788",
                "gs:[0]=0xa1a2a3a4a5a6a7a8",
                "after swapgs gs:[0]=0xb1b2b3b4b5b6b7b8",
                "after swapgs back gs:[0]=0xa1a2a3a4a5a6a7a8",
                "tsc increases",
                "tsc after write ok");
        // fs_target, gs_target, kernel_gs_target in msr.elf; after two swapgs they are back in place.
        assertAll(
                () -> assertHex(0x101000, d.registers().get("fs_base"), "fs_base"),
                () -> assertHex(0x101008, d.registers().get("gs_base"), "gs_base"),
                () -> assertHex(0x101000, d.msrs().get("FS_BASE"), "FS_BASE"),
                () -> assertHex(0x101008, d.msrs().get("GS_BASE"), "GS_BASE"),
                () -> assertHex(0x101010, d.msrs().get("KERNEL_GS_BASE"), "KERNEL_GS_BASE"),
                () -> assertHex(0x0407050600070106L, d.msrs().get("PAT"), "PAT"),
                () -> assertHex(7, d.msrs().get("TSC_AUX"), "TSC_AUX"),
                () -> assertHex(0x806, d.msrs().get("MTRR_DEF_TYPE"), "MTRR_DEF_TYPE"));
        // 11 round trips, 4 reads, FS (2), GS (1), KERNEL_GS (2), TSC (4) = 35 MSR traps; swapgs twice.
        assertFamilies(d, Set.of("msr", "port_io", "system"));
        assertEquals(35L, d.trapsByFamily().get("msr"));
        assertEquals(2L, d.trapsByFamily().get("system"));
    }

    @Test
    void unknownMsrIsAnUnhandledGp() {
        GuestRun run = InProcess.run(dir, "msr-unknown.elf");
        assertEquals(4, run.status(), "exit status");
        assertLines(run.serial(), "reading msr 0xdeadbeef");
        assertEquals("unhandled guest exception #GP", run.dump().exitReason());
        assertTrue(run.dump().detail().contains("rdmsr 0xdeadbeef"), run.dump().detail());
        assertTrue(summaryText(run.summary(), run.dump()).contains("rdmsr 0xdeadbeef"), run.summary());
    }

    @Test
    void unknownMsrWithIgnoreMsrs() {
        GuestRun run = InProcess.run(dir, "msr-unknown.elf", "--ignore-msrs");
        assertGuestExit(run, 1);
        assertLines(run.serial(), "reading msr 0xdeadbeef", "read 0x0000000000000000", "ignored ok");
    }

    @Test
    void portIo() {
        GuestRun run = InProcess.run(dir, "portio.elf");
        assertGuestExit(run, 1);
        assertLines(run.serial(),
                "in al,0xe9=0xe9",
                "in ax,0xe0=0xffff",
                "in eax,0xe0=0xffffffff",
                "scr=0x5a",
                "scr=0xa5",
                "unclaimed byte=0xff",
                "unclaimed word=0xffff",
                "unclaimed dword=0xffffffff",
                "rep outsb to com1: ok!",
                "rep insb unclaimed=0xffffffffffffffff",
                "rep insw unclaimed=0xffffffffffffffff",
                "rep insd unclaimed=0xffffffffffffffff",
                "rep insb scr=0x000000005a5a5a5a",
                "portio done");
        assertEquals("portio: imm8 out to debugcon\nwd\nrep outsb to debugcon\n", run.debugcon());
        assertFamilies(run.dump(), Set.of("port_io"));
    }

    @Test
    void systemInstructionsThenHalt() {
        GuestRun run = InProcess.run(dir, "system.elf");
        assertEquals(0, run.status(), "exit status");
        StateDump d = run.dump();
        assertEquals("halted", d.exitReason());
        assertTrue(summaryText(run.summary(), d).startsWith("halted"), run.summary());
        assertLines(run.serial(),
                "dr0=0x0000000000111000",
                "dr1=0x0000000000222000",
                "dr2=0x0000000000333000",
                "dr3=0x0000000000444000",
                "dr7=0x0000000000000403",
                "system ok");
        // gdt = 0x101000 (5 qwords), tss = 0x101040 (104 bytes), idt = 0x102000 (limit 0xfff) in system.elf.
        assertAll(
                () -> assertHex(0x101000, d.gdtr().base(), "gdtr.base"),
                () -> assertHex(0x27, d.gdtr().limit(), "gdtr.limit"),
                () -> assertHex(0x102000, d.idtr().base(), "idtr.base"),
                () -> assertHex(0xfff, d.idtr().limit(), "idtr.limit"),
                () -> assertHex(0x18, d.tr().selector(), "tr.selector"),
                () -> assertHex(0x101040, d.tr().base(), "tr.base"),
                () -> assertHex(0x67, d.tr().limit(), "tr.limit"),
                () -> assertHex(0, d.ldtr().selector(), "ldtr.selector"),
                () -> assertFalse(d.interruptFlag(), "IF after cli; hlt"),
                () -> assertHex(0x111000, d.debugRegisters().get("dr0"), "dr0"),
                () -> assertHex(0x444000, d.debugRegisters().get("dr3"), "dr3"),
                () -> assertHex(0x403, d.debugRegisters().get("dr7"), "dr7"));
        // 5 DR writes + 5 reads; lgdt, lidt, lldt, ltr; cli sti cli invlpg wbinvd invd xsetbv swapgs swapgs cli hlt.
        assertFamilies(d, Set.of("debug_register", "descriptor_table", "system", "port_io"));
        assertEquals(10L, d.trapsByFamily().get("debug_register"));
        assertEquals(4L, d.trapsByFamily().get("descriptor_table"));
        assertEquals(11L, d.trapsByFamily().get("system"));
    }

    @Test
    void ud2IsAnUnhandledUd() {
        GuestRun run = InProcess.run(dir, "ud2.elf");
        assertEquals(4, run.status(), "exit status");
        assertLines(run.serial(), "before ud2");
        StateDump d = run.dump();
        assertEquals("unhandled guest exception #UD", d.exitReason());
        // ud2 sits at 0x100014 in ud2.elf (objdump -d).
        assertTrue(d.detail().contains("ud2") && d.detail().contains("0x100014"), d.detail());
        assertHex(0x100014, d.registers().get("rip"), "rip at the ud2");
        assertTrue(summaryText(run.summary(), d).startsWith("unhandled guest exception #UD: "), run.summary());
        assertEquals(16, d.code().ripOffset(), "code bytes start 16 bytes before rip");
        assertTrue(d.code().bytes().contains("0f 0b"), d.code().bytes());
    }

    @Test
    void badOpcodeIsAnUnhandledUd() {
        GuestRun run = InProcess.run(dir, "badop.elf");
        assertEquals(4, run.status(), "exit status");
        assertLines(run.serial(), "before bad bytes");
        StateDump d = run.dump();
        assertEquals("unhandled guest exception #UD", d.exitReason());
        assertTrue(d.detail().startsWith("#UD at 0x100014") && d.detail().contains("no instruction: 06 "), d.detail());
        assertHex(0x100014, d.registers().get("rip"), "rip at the bad byte");
    }

    @Test
    void timeoutStopsASpinningGuestAndKeepsItsOutput() {
        GuestRun run = InProcess.run(dir, "spin.elf", "--timeout", "1");
        assertEquals(8, run.status(), "exit status");
        assertTrue(run.call().seconds() < 10, "took " + run.call().seconds() + " s");
        assertTrue(run.call().seconds() >= 1, "stopped before the timeout: " + run.call().seconds() + " s");
        assertLines(run.serial(), "spinning forever");
        assertEquals("timeout", run.dump().exitReason());
        assertTrue(summaryText(run.summary(), run.dump()).startsWith("timeout"), run.summary());
    }

    /** The guest starts with reset vector state, nothing of the child's C library in xmm (a heap pointer). */
    @Test
    void vectorRegistersStartClean() {
        GuestRun run = InProcess.run(dir, "clean-start.elf");
        assertLines(run.serial(), "xmm0-15 or'ed=0x0000000000000000", "mxcsr=0x00001f80");
        assertGuestExit(run, 1);
    }

    @Test
    void maxTrapsStopsATrappingGuest() {
        GuestRun run = InProcess.run(dir, "spin-traps.elf", "--max-traps", "500");
        assertEquals(10, run.status(), "exit status");
        assertLines(run.serial(), "trapping forever");
        StateDump d = run.dump();
        assertEquals("trap limit reached", d.exitReason());
        assertEquals(500, d.traps());
        assertEquals(Map.of("port_io", 500L), d.trapsByFamily());
        assertTrue(summaryText(run.summary(), d).startsWith("trap limit reached"), run.summary());
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "cr", "msr", "portio", "system", "ud2"})
    void rawAndElfImagesRunAlike(String guest) {
        GuestRun elf = InProcess.run(dir, guest + ".elf");
        GuestRun raw = InProcess.run(dir, guest + ".bin");
        assertNotEquals(0, raw.serial().length(), "the raw image printed nothing");
        assertEquals(elf.status(), raw.status(), "exit status");
        assertEquals(elf.serial(), raw.serial(), "serial output");
        assertEquals(elf.debugcon(), raw.debugcon(), "debugcon output");
        assertEquals(elf.dump().exitReason(), raw.dump().exitReason());
        assertEquals(elf.dump().trapsByFamily(), raw.dump().trapsByFamily());
        assertEquals(elf.dump().registers().get("rip"), raw.dump().registers().get("rip"));
    }

    /** uhv's model on every host: CPUID faulting where the CPU has it, the code scanner's patch elsewhere. */
    @Test
    void cpuidSeesUhvsModel() {
        GuestRun run = InProcess.run(dir, "cpuid.elf");
        assertGuestExit(run, 1);
        assertLines(run.serial(), "max hypervisor leaf=0x40000001", "signature=uhvuhvuhvuhv", "hypervisor bit=0x01");
        assertEquals(Map.of("cpuid", 2L, "port_io", run.dump().trapsByFamily().get("port_io")),
                run.dump().trapsByFamily());
    }

    @Test
    void int3IsAGuestBreakpointAtItsOwnAddress() {
        GuestRun run = InProcess.run(dir, "int3.elf");
        assertEquals(4, run.status());
        assertLines(run.serial(), "before int3");
        assertEquals("unhandled guest exception #BP", run.dump().exitReason());
        assertTrue(run.dump().detail().startsWith("#BP at 0x"), run.dump().detail());
        assertTrue(run.dump().detail().contains("int3"), run.dump().detail());
        long next = Long.decode(run.dump().detail().replaceAll("#BP at (0x[0-9a-f]+).*", "$1"));
        assertEquals(next, Long.decode(run.dump().registers().get("rip")), "rip is past the int3 (a trap)");
        assertEquals("cc", run.dump().code().bytes().split(" ")[run.dump().code().ripOffset() - 1],
                "the byte before rip is the int3");
    }

    @Test
    void rdtscTrapFollowsTheGuestsTscWrite() {
        GuestRun run = InProcess.run(dir, "tsc.elf", "--rdtsc", "trap");
        assertGuestExit(run, 1);
        assertLines(run.serial(), "rdtsc follows IA32_TSC", "rdtscp aux=0x0000002a");
        assertEquals(2L, run.dump().trapsByFamily().get("time_stamp"), "rdtsc and rdtscp trapped");
        assertHex(0x2a, run.dump().msrs().get("TSC_AUX"), "TSC_AUX");
    }

    /** The documented cost of the fast default: native rdtsc reads the host's TSC and TSC_AUX. */
    @Test
    void nativeRdtscDoesNotTrap() {
        GuestRun run = InProcess.run(dir, "tsc.elf");
        assertEquals(3, run.status(), "the guest's own checks fail with native rdtsc");
        assertFalse(run.dump().trapsByFamily().containsKey("time_stamp"));
    }
}
