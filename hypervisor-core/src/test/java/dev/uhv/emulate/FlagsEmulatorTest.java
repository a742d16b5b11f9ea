package dev.uhv.emulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Rflags;
import dev.uhv.decoder.DecodedInstruction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PUSHF and POPF in all their operand sizes, in 64-bit and 32-bit code, on the guest's RFLAGS with
 * its virtual IF and IOPL: what each CPL and IOPL lets POPF change (SDM Vol. 2B, POPF), and that the
 * hardware flags the child runs with keep IF = 1 and IOPL = 0 whatever the guest pops.
 */
class FlagsEmulatorTest {
    private static final long STACK = 0x7000;
    /** What the memory around the stack holds before a push: shows which bytes a push wrote. */
    private static final long NOISE = 0x5a5a_5a5a_5a5a_5a5aL;
    private static final long ARITHMETIC = Rflags.CF | Rflags.PF | Rflags.AF | Rflags.ZF | Rflags.SF | Rflags.OF;
    private static final long VIF = 1L << 19, VIP = 1L << 20;
    private static final long RESERVED = (1L << 3) | (1L << 5) | (1L << 15) | ~((1L << 22) - 1);

    private TestMachine t = new TestMachine();
    private final FlagsEmulator emulator = new FlagsEmulator();

    @BeforeEach
    void kernelWithInterruptsOff() {
        t.cpu.setGuestRflags(Rflags.FIXED_1);
        t.regs.setRsp(STACK);
        fillAroundStack();
    }

    private void fillAroundStack() {
        for (long a = STACK - 0x20; a < STACK + 0x20; a += 8) {
            t.memory.write(a, 8, NOISE);
        }
    }

    /** The same machine in 32-bit protected mode (EFER = 0), on a 32-bit code segment at cpl. */
    private void in32BitCode(int cpl) {
        t = new TestMachine(0);
        t.cpu.enterCode(0x08 | cpl, 32, cpl);
        kernelWithInterruptsOff();
    }

    private void run(DecodedInstruction insn) throws GuestFault {
        assertEquals(Outcome.ADVANCE, emulator.emulate(insn, t.machine));
        assertEquals(TestMachine.RIP, t.regs.rip(), "emulators leave rip to the run loop");
    }

    private void run(String hex) throws GuestFault {
        run(t.decode(hex));
    }

    /** Puts image on top of the stack (8 bytes) and pops it with hex. */
    private void popImage(String hex, long image) throws GuestFault {
        t.memory.write(STACK, 8, image);
        run(hex);
    }

    private void atCpl(int cpl) {
        t.cpu.enterCode(0x08 | cpl, 64, cpl);
    }

    /** The hardware flags keep IF set and IOPL 0, whatever the guest's are. */
    private void assertHardwareIfAndIopl() {
        assertEquals(Rflags.IF, t.regs.rflags() & Rflags.IF, "the child's IF stays 1");
        assertEquals(0, t.regs.rflags() & Rflags.IOPL, "the child's IOPL stays 0");
        assertEquals(Rflags.FIXED_1, t.regs.rflags() & Rflags.FIXED_1);
    }

    @Test
    void aFamilyOfItsOwnAndNotPrivileged() {
        assertEquals(InstructionFamily.FLAGS, emulator.family());
        for (String hex : new String[] {"9c", "66 9c", "48 9c", "9d", "66 9d", "48 9d"}) {
            assertFalse(emulator.privileged(t.decode(hex)), hex);
            assertTrue(emulator.accepts(t.decode(hex)), hex);
        }
    }

    // --- pushf ---

    @Test
    void pushfqStoresTheVirtualIfAndIoplNotTheHardwares() throws GuestFault {
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.CF | Rflags.ZF | Rflags.DF | (2L << Rflags.IOPL_SHIFT));
        assertEquals(Rflags.IF, t.regs.rflags() & Rflags.IF, "the hardware IF is 1 ...");

        run("9c");

        assertEquals(STACK - 8, t.regs.rsp());
        assertEquals(Rflags.FIXED_1 | Rflags.CF | Rflags.ZF | Rflags.DF | (2L << Rflags.IOPL_SHIFT),
                t.memory.read(STACK - 8, 8), "... but the guest's is 0, and its IOPL 2");
        assertEquals(NOISE, t.memory.read(STACK, 8), "nothing above the slot");
    }

    @Test
    void pushfqStoresIfOnceTheGuestSetsIt() throws GuestFault {
        t.cpu.setInterruptFlag(true);

        run("48 9c"); // REX.W changes nothing: 64 bits already

        assertEquals(Rflags.FIXED_1 | Rflags.IF, t.memory.read(STACK - 8, 8));
    }

    @Test
    void pushfClearsRfAndVmInTheImage() throws GuestFault {
        // What the hardware may hold as the trap arrives: RF (a resumed fault), and a VM the image never has.
        t.regs.setRflags(Rflags.FIXED_1 | Rflags.IF | Rflags.RF | Rflags.VM | Rflags.AC | Rflags.TF);

        run("9c");

        assertEquals(Rflags.FIXED_1 | Rflags.AC | Rflags.TF, t.memory.read(STACK - 8, 8));
        assertEquals(Rflags.RF | Rflags.VM, t.regs.rflags() & (Rflags.RF | Rflags.VM), "pushf changes no flag");
    }

    @Test
    void pushfWith66StoresTheLow16BitsOnly() throws GuestFault {
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.IF | Rflags.AC | Rflags.SF | (3L << Rflags.IOPL_SHIFT));

        run("66 9c");

        assertEquals(STACK - 2, t.regs.rsp());
        assertEquals(Rflags.FIXED_1 | Rflags.IF | Rflags.SF | (3L << Rflags.IOPL_SHIFT), t.memory.read(STACK - 2, 2),
                "no AC: bit 18 is not in a 16-bit image");
        assertEquals(NOISE, t.memory.read(STACK - 10, 8), "only 2 bytes written");
    }

    @Test
    void pushfdIn32BitCodeStores4Bytes() throws GuestFault {
        in32BitCode(0);
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.IF | Rflags.ID | Rflags.OF | (1L << Rflags.IOPL_SHIFT));

        run(t.decode32("9c"));

        assertEquals(STACK - 4, t.regs.rsp());
        assertEquals(Rflags.FIXED_1 | Rflags.IF | Rflags.ID | Rflags.OF | (1L << Rflags.IOPL_SHIFT),
                t.memory.read(STACK - 4, 4));
        assertEquals(NOISE >>> 32, t.memory.read(STACK - 8, 4), "only 4 bytes written");
    }

    @Test
    void pushfIn32BitCodeWith66Stores2Bytes() throws GuestFault {
        in32BitCode(0);
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.IF | Rflags.AC);

        run(t.decode32("66 9c"));

        assertEquals(STACK - 2, t.regs.rsp());
        assertEquals(Rflags.FIXED_1 | Rflags.IF, t.memory.read(STACK - 2, 2));
        assertEquals(NOISE & 0xffff, t.memory.read(STACK - 4, 2));
    }

    @Test
    void pushfdIn32BitCodeUsesEspOnly() throws GuestFault {
        in32BitCode(0);
        t.regs.setRsp(0xffff_ffff_0000_0000L | STACK); // bits 63:32 are no part of a 32-bit stack

        run(t.decode32("9c"));

        assertEquals(STACK - 4, t.regs.rsp());
        assertEquals(Rflags.FIXED_1, t.memory.read(STACK - 4, 4));
    }

    @Test
    void pushfOutsideGuestRamIsAPageFaultThatChangesNothing() {
        t.regs.setRsp(4); // the slot wraps below 0: the top of the address space, no guest RAM

        GuestFault f = t.fault(emulator, "9c", GuestFault.PF);

        assertEquals(Machine.PF_WRITE, f.errorCode() & Machine.PF_WRITE);
        assertEquals(4, t.regs.rsp(), "rsp unchanged");
    }

    @Test
    void pushfToANonCanonicalStackIsStackFault() {
        t.regs.setRsp(0x8000_0000_0000_0004L);

        GuestFault f = t.fault(emulator, "9c", GuestFault.SS);

        assertEquals(0, f.errorCode());
        assertEquals(0x8000_0000_0000_0004L, t.regs.rsp());
    }

    @Test
    void pushfAtCpl3ReportsAUserPageFault() {
        atCpl(3);
        t.regs.setRsp(TestMachine.RAM_SIZE + 0x100L);

        GuestFault f = t.fault(emulator, "9c", GuestFault.PF);

        assertEquals(Machine.PF_WRITE | Machine.PF_USER, f.errorCode());
    }

    // --- popf at CPL0 ---

    @Test
    void popfqAtCpl0LoadsEveryFlagIfAndIoplIncluded() throws GuestFault {
        long image = ARITHMETIC | Rflags.TF | Rflags.IF | Rflags.DF | Rflags.IOPL | Rflags.AC | Rflags.ID;

        popImage("9d", image);

        assertEquals(STACK + 8, t.regs.rsp());
        assertTrue(t.cpu.interruptFlag());
        assertEquals(3, t.cpu.iopl());
        assertEquals(image | Rflags.FIXED_1, t.cpu.guestRflags());
        assertHardwareIfAndIopl();
    }

    @Test
    void popfqNeverSetsRfVmVifVipOrReservedBitsAndKeepsBit1() throws GuestFault {
        popImage("9d", Rflags.RF | Rflags.VM | VIF | VIP | RESERVED | Rflags.CF); // bit 1 clear in the image

        assertEquals(Rflags.FIXED_1 | Rflags.CF, t.cpu.guestRflags());
        assertEquals(0, t.regs.rflags() & (Rflags.RF | Rflags.VM | VIF | VIP | RESERVED), "hardware too");
    }

    @Test
    void popfqClearsRf() throws GuestFault {
        t.regs.setRflags(t.regs.rflags() | Rflags.RF);

        popImage("9d", Rflags.FIXED_1 | Rflags.RF);

        assertEquals(0, t.regs.rflags() & Rflags.RF);
    }

    @Test
    void popfqClearsFlagsTheImageClears() throws GuestFault {
        t.cpu.setGuestRflags(Rflags.FIXED_1 | ARITHMETIC | Rflags.DF | Rflags.IF | Rflags.IOPL | Rflags.AC);

        popImage("9d", Rflags.FIXED_1);

        assertEquals(Rflags.FIXED_1, t.cpu.guestRflags());
        assertFalse(t.cpu.interruptFlag());
        assertEquals(0, t.cpu.iopl());
        assertHardwareIfAndIopl();
    }

    /** pushf after popf sees the popped IF, while the child's own IF never left 1. */
    @Test
    void popfSetsTheVirtualIfWhichPushfThenReads() throws GuestFault {
        popImage("9d", Rflags.FIXED_1 | Rflags.IF | Rflags.CF);
        assertTrue(t.cpu.interruptFlag());
        assertHardwareIfAndIopl();

        run("9c");

        assertEquals(STACK, t.regs.rsp(), "popped 8, pushed 8");
        assertEquals(Rflags.FIXED_1 | Rflags.IF | Rflags.CF, t.memory.read(STACK, 8));

        popImage("9d", Rflags.FIXED_1); // and back off
        run("9c");
        assertEquals(Rflags.FIXED_1, t.memory.read(STACK, 8));
        assertEquals(Rflags.IF, t.regs.rflags() & Rflags.IF, "still 1 in the hardware");
    }

    /** The single-step machinery reads TF from the hardware flags: popf must put it there. */
    @Test
    void popfSetsAndClearsTheRealTf() throws GuestFault {
        popImage("9d", Rflags.FIXED_1 | Rflags.TF);
        assertEquals(Rflags.TF, t.regs.rflags() & Rflags.TF);

        popImage("9d", Rflags.FIXED_1);
        assertEquals(0, t.regs.rflags() & Rflags.TF);
    }

    @Test
    void popfWith66ChangesTheLow16BitsOnly() throws GuestFault {
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.AC | Rflags.ID | Rflags.CF);

        popImage("66 9d", 0xffff_ffff_0000_0000L | Rflags.IF | Rflags.ZF | (2L << Rflags.IOPL_SHIFT));

        assertEquals(STACK + 2, t.regs.rsp());
        assertEquals(Rflags.FIXED_1 | Rflags.AC | Rflags.ID | Rflags.IF | Rflags.ZF | (2L << Rflags.IOPL_SHIFT),
                t.cpu.guestRflags(), "CF cleared, AC and ID kept, IF and IOPL loaded at CPL0");
    }

    @Test
    void popfdIn32BitCodePops4Bytes() throws GuestFault {
        in32BitCode(0);
        t.memory.write(STACK, 8, 0xffff_ffff_0000_0000L | Rflags.FIXED_1 | Rflags.ID | Rflags.IF | Rflags.OF);

        run(t.decode32("9d"));

        assertEquals(STACK + 4, t.regs.rsp());
        assertEquals(Rflags.FIXED_1 | Rflags.ID | Rflags.IF | Rflags.OF, t.cpu.guestRflags());
        assertHardwareIfAndIopl();
    }

    @Test
    void popfIn32BitCodeWith66Pops2Bytes() throws GuestFault {
        in32BitCode(0);
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.AC);
        t.memory.write(STACK, 8, 0xffff_ffff_ffff_0000L | Rflags.IF | Rflags.PF);

        run(t.decode32("66 9d"));

        assertEquals(STACK + 2, t.regs.rsp());
        assertEquals(Rflags.FIXED_1 | Rflags.AC | Rflags.IF | Rflags.PF, t.cpu.guestRflags());
    }

    @Test
    void popfOutsideGuestRamIsAPageFaultThatChangesNothing() {
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.CF);
        long rflags = t.regs.rflags();
        t.regs.setRsp(TestMachine.RAM_SIZE - 4); // the 8-byte slot runs off the end of RAM

        GuestFault f = t.fault(emulator, "9d", GuestFault.PF);

        assertEquals(0, f.errorCode() & Machine.PF_WRITE, "a read");
        assertEquals(TestMachine.RAM_SIZE - 4, t.regs.rsp());
        assertEquals(rflags, t.regs.rflags());
    }

    // --- popf above CPL0 ---

    /** At CPL3 with IOPL 0: neither IF nor IOPL changes, and there is no fault; the rest loads. */
    @ParameterizedTest(name = "IF {0}")
    @CsvSource({"true", "false"})
    void popfqAtCpl3AboveIoplKeepsIfAndIopl(boolean interruptFlag) throws GuestFault {
        t.cpu.setInterruptFlag(interruptFlag);
        atCpl(3);

        popImage("9d", Rflags.FIXED_1 | (interruptFlag ? 0 : Rflags.IF) | Rflags.IOPL | Rflags.CF | Rflags.DF
                | Rflags.AC);

        assertEquals(interruptFlag, t.cpu.interruptFlag(), "IF unchanged");
        assertEquals(0, t.cpu.iopl(), "IOPL unchanged");
        assertEquals(Rflags.CF | Rflags.DF | Rflags.AC, t.regs.rflags() & (Rflags.CF | Rflags.DF | Rflags.AC));
        assertEquals(STACK + 8, t.regs.rsp());
        assertHardwareIfAndIopl();
    }

    @Test
    void popfqAtCpl3WithIopl3ChangesIfButNotIopl() throws GuestFault {
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.IOPL); // IOPL 3, IF 0
        atCpl(3);

        popImage("9d", Rflags.FIXED_1 | Rflags.IF); // IOPL 0 in the image

        assertTrue(t.cpu.interruptFlag(), "CPL3 <= IOPL3: IF loads");
        assertEquals(3, t.cpu.iopl(), "only CPL0 changes IOPL");
        assertHardwareIfAndIopl();
    }

    @ParameterizedTest(name = "CPL{0} IOPL{1}")
    @CsvSource({
        "0, 0, true, true",
        "0, 3, true, true",
        "1, 0, false, false",
        "1, 1, true, false",
        "1, 3, true, false",
        "2, 1, false, false",
        "2, 2, true, false",
        "3, 2, false, false",
        "3, 3, true, false"})
    void whoMayChangeIfAndIopl(int cpl, int iopl, boolean ifChanges, boolean ioplChanges) throws GuestFault {
        t.cpu.setGuestRflags(Rflags.FIXED_1 | ((long) iopl << Rflags.IOPL_SHIFT)); // IF 0
        atCpl(cpl);
        int otherIopl = iopl ^ 1;

        popImage("9d", Rflags.FIXED_1 | Rflags.IF | ((long) otherIopl << Rflags.IOPL_SHIFT));

        assertEquals(ifChanges, t.cpu.interruptFlag(), "IF");
        assertEquals(ioplChanges ? otherIopl : iopl, t.cpu.iopl(), "IOPL");
    }

    @Test
    void a16BitPopfAtCpl3KeepsIfAndIoplToo() throws GuestFault {
        t.cpu.setInterruptFlag(true);
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.IF | (1L << Rflags.IOPL_SHIFT));
        atCpl(3);

        popImage("66 9d", Rflags.FIXED_1 | Rflags.IOPL | Rflags.ZF);

        assertTrue(t.cpu.interruptFlag());
        assertEquals(1, t.cpu.iopl());
        assertEquals(Rflags.ZF, t.regs.rflags() & Rflags.ZF);
    }

    @Test
    void popfdIn32BitCodeAtCpl3KeepsIfAndIopl() throws GuestFault {
        in32BitCode(3);
        t.memory.write(STACK, 4, Rflags.FIXED_1 | Rflags.IF | Rflags.IOPL | Rflags.SF);

        run(t.decode32("9d"));

        assertFalse(t.cpu.interruptFlag());
        assertEquals(0, t.cpu.iopl());
        assertEquals(Rflags.SF, t.regs.rflags() & Rflags.SF);
        assertEquals(STACK + 4, t.regs.rsp());
    }

    // --- the rule itself, flag by flag (NT and ID included, which the child's hardware flags cannot hold) ---

    @Test
    void poppedLoadsNtAndIdAndLeavesTheRestAlone() {
        long current = Rflags.FIXED_1 | Rflags.CF | Rflags.IF | Rflags.RF;
        long image = Rflags.NT | Rflags.ID | Rflags.AC | VIF | VIP | Rflags.VM | RESERVED;

        assertEquals(Rflags.FIXED_1 | Rflags.NT | Rflags.ID | Rflags.AC,
                FlagsEmulator.popped(current, image, 0, 0, 8));
        assertEquals(Rflags.FIXED_1 | Rflags.NT | Rflags.ID | Rflags.AC | Rflags.IF,
                FlagsEmulator.popped(current, image, 3, 0, 4), "IF kept at CPL3 > IOPL0");
        assertEquals(Rflags.FIXED_1 | Rflags.NT | Rflags.IF,
                FlagsEmulator.popped(current, image, 3, 0, 2), "16 bits: NT only, RF still cleared");
    }

    @Test
    void poppedKeepsVifAndVipAsTheyWere() {
        assertEquals(Rflags.FIXED_1 | VIF | VIP, FlagsEmulator.popped(Rflags.FIXED_1 | VIF | VIP, 0, 0, 0, 8));
    }
}
