package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.cpu.RegisterFile.GPR_RCX;
import static dev.uhv.cpu.RegisterFile.GPR_RDI;
import static dev.uhv.cpu.RegisterFile.GPR_RDX;
import static dev.uhv.cpu.RegisterFile.GPR_RSI;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Rflags;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IN, OUT, INS and OUTS through decoded instructions against a recording device (SDM Vol. 2A IN,
 * INS; Vol. 2B OUT, OUTS, REP). The main recorder owns ports 0x3f0-0x3ff; a second one sits on
 * port 0x80 for the imm8 forms.
 */
class PortIoEmulatorTest {
    private static final int PORT = TestMachine.DEVICE_PORT;
    private static final long SRC = 0x3000;
    private static final long DST = 0x4000;

    private final TestMachine t = new TestMachine();
    private final RecordingDevice device = t.device;
    private final RecordingDevice postCode = new RecordingDevice();
    private final PortIoEmulator emulator = new PortIoEmulator();

    PortIoEmulatorTest() {
        t.ports.register(0x80, 1, postCode);
    }

    private void run(String hex) throws GuestFault {
        assertEquals(Outcome.ADVANCE, t.run(emulator, hex));
        assertEquals(TestMachine.RIP, t.regs.rip(), "emulators leave rip to the run loop");
    }

    private void putString(long address, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        t.memory.write(address, b, 0, b.length);
    }

    /** Sets up a string instruction: dx = port, rsi/rdi = pointers, rcx = count. */
    private void strings(int port, long rsi, long rdi, long rcx) {
        t.setGpr(GPR_RDX, port);
        t.setGpr(GPR_RSI, rsi);
        t.setGpr(GPR_RDI, rdi);
        t.setGpr(GPR_RCX, rcx);
    }

    private void setDirectionFlag() {
        t.regs.setRflags(Rflags.FIXED_1 | Rflags.DF);
    }

    @Test
    void inAlImm8PreservesBits63To8() throws GuestFault {
        postCode.answering(0xab);
        t.setGpr(GPR_RAX, 0x1122_3344_5566_7788L);

        run("e4 80"); // in al, 0x80

        assertEquals(0x1122_3344_5566_77abL, t.gpr(GPR_RAX));
        assertEquals(List.of("r0/1"), postCode.accesses);
    }

    @Test
    void inAxDxReadsTwoBytesAndPreservesBits63To16() throws GuestFault {
        device.answering(0xbeef);
        t.setGpr(GPR_RAX, 0x1122_3344_5566_7788L);
        t.setGpr(GPR_RDX, PORT + 2);

        run("66 ed"); // in ax, dx

        assertEquals(0x1122_3344_5566_beefL, t.gpr(GPR_RAX));
        assertEquals(List.of("r2/2"), device.accesses);
    }

    @Test
    void inEaxDxZeroExtendsIntoRax() throws GuestFault {
        device.answering(0xcafe_babe);
        t.setGpr(GPR_RAX, -1L);
        t.setGpr(GPR_RDX, PORT);

        run("ed"); // in eax, dx

        assertEquals(0xcafe_babeL, t.gpr(GPR_RAX));
        assertEquals(List.of("r0/4"), device.accesses);
    }

    @Test
    void portComesFromDxOnly() throws GuestFault {
        t.setGpr(GPR_RDX, 0xffff_ffff_ffff_0000L | PORT + 1);
        t.setGpr(GPR_RAX, 0x42);

        run("ee"); // out dx, al

        assertEquals(List.of("w1/1=42"), device.accesses);
    }

    @Test
    void outImm8AlWritesOneByte() throws GuestFault {
        t.setGpr(GPR_RAX, 0xdead_beef_0000_125aL);

        run("e6 80"); // out 0x80, al

        assertEquals(List.of("w0/1=5a"), postCode.accesses);
    }

    @Test
    void outDxAxWritesTwoBytes() throws GuestFault {
        t.setGpr(GPR_RAX, 0x1234_beefL);
        t.setGpr(GPR_RDX, PORT + 4);

        run("66 ef"); // out dx, ax

        assertEquals(List.of("w4/2=beef"), device.accesses);
    }

    @Test
    void outDxEaxWritesFourBytes() throws GuestFault {
        t.setGpr(GPR_RAX, 0xffff_ffff_dead_beefL);
        t.setGpr(GPR_RDX, PORT);

        run("ef"); // out dx, eax

        assertEquals(List.of("w0/4=deadbeef"), device.accesses);
    }

    @Test
    void repOutsbSendsRcxBytesFromRsi() throws GuestFault {
        putString(SRC, "hello");
        strings(PORT, SRC, 0, 5);

        run("f3 6e"); // rep outsb

        assertEquals(List.of("w0/1=68", "w0/1=65", "w0/1=6c", "w0/1=6c", "w0/1=6f"), device.accesses);
        assertEquals(SRC + 5, t.gpr(GPR_RSI));
        assertEquals(0, t.gpr(GPR_RCX));
    }

    @Test
    void repOutswSendsWords() throws GuestFault {
        t.memory.writeU16(SRC, 0x1111);
        t.memory.writeU16(SRC + 2, 0x2222);
        t.memory.writeU16(SRC + 4, 0x3333);
        strings(PORT + 6, SRC, 0, 3);

        run("66 f3 6f"); // rep outsw

        assertEquals(List.of("w6/2=1111", "w6/2=2222", "w6/2=3333"), device.accesses);
        assertEquals(SRC + 6, t.gpr(GPR_RSI));
        assertEquals(0, t.gpr(GPR_RCX));
    }

    @Test
    void repOutsdSendsDoublewords() throws GuestFault {
        t.memory.writeU32(SRC, 0x8765_4321L);
        t.memory.writeU32(SRC + 4, 0x0fed_cba9L);
        strings(PORT, SRC, 0, 2);

        run("f3 6f"); // rep outsd

        assertEquals(List.of("w0/4=87654321", "w0/4=fedcba9"), device.accesses);
        assertEquals(SRC + 8, t.gpr(GPR_RSI));
    }

    @Test
    void repInsbStoresRcxBytesAtRdi() throws GuestFault {
        device.answering(0x01, 0x02, 0x03);
        strings(PORT + 3, 0, DST, 3);

        run("f3 6c"); // rep insb

        assertEquals(0x03_0201, t.memory.readU32(DST));
        assertEquals(List.of("r3/1", "r3/1", "r3/1"), device.accesses);
        assertEquals(DST + 3, t.gpr(GPR_RDI));
        assertEquals(0, t.gpr(GPR_RCX));
    }

    @Test
    void repInsdStoresDoublewords() throws GuestFault {
        device.answering(0x1122_3344, 0x5566_7788);
        strings(PORT, 0, DST, 2);

        run("f3 6d"); // rep insd

        assertEquals(0x5566_7788_1122_3344L, t.memory.readU64(DST));
        assertEquals(DST + 8, t.gpr(GPR_RDI));
        assertEquals(0, t.gpr(GPR_RCX));
    }

    @Test
    void directionFlagMakesOutsWalkDown() throws GuestFault {
        putString(SRC, "abcde");
        strings(PORT, SRC + 4, 0, 3);
        setDirectionFlag();

        run("f3 6e"); // rep outsb

        assertEquals(List.of("w0/1=65", "w0/1=64", "w0/1=63"), device.accesses);
        assertEquals(SRC + 1, t.gpr(GPR_RSI));
        assertEquals(0, t.gpr(GPR_RCX));
    }

    @Test
    void directionFlagMakesInsdWalkDown() throws GuestFault {
        device.answering(0xaaaa_aaaa, 0xbbbb_bbbb);
        strings(PORT, 0, DST + 4, 2);
        setDirectionFlag();

        run("f3 6d"); // rep insd

        assertEquals(0xaaaa_aaaaL, t.memory.readU32(DST + 4));
        assertEquals(0xbbbb_bbbbL, t.memory.readU32(DST));
        assertEquals(DST - 4, t.gpr(GPR_RDI));
    }

    @Test
    void outsbWithoutRepMovesOneByteAndLeavesRcx() throws GuestFault {
        putString(SRC, "xy");
        strings(PORT, SRC, 0, 5);

        run("6e"); // outsb

        assertEquals(List.of("w0/1=78"), device.accesses);
        assertEquals(SRC + 1, t.gpr(GPR_RSI));
        assertEquals(5, t.gpr(GPR_RCX));
    }

    @Test
    void inswWithoutRepMovesOneWordAndLeavesRcx() throws GuestFault {
        device.answering(0x4321);
        strings(PORT, 0, DST, 7);

        run("66 6d"); // insw

        assertEquals(0x4321, t.memory.readU16(DST));
        assertEquals(0, t.memory.readU16(DST + 2));
        assertEquals(DST + 2, t.gpr(GPR_RDI));
        assertEquals(7, t.gpr(GPR_RCX));
    }

    @Test
    void repWithRcxZeroDoesNothing() throws GuestFault {
        strings(PORT, SRC, DST, 0);

        run("f3 6e"); // rep outsb
        run("f3 6c"); // rep insb

        assertEquals(List.of(), device.accesses);
        assertEquals(SRC, t.gpr(GPR_RSI));
        assertEquals(DST, t.gpr(GPR_RDI));
        assertEquals(0, t.gpr(GPR_RCX));
    }

    @Test
    void repOutsReadingBeyondRamIsPageFaultAfterTheElementsDone() {
        long end = TestMachine.RAM_SIZE;
        t.memory.writeU16(end - 2, 0x6261);
        strings(PORT, end - 2, 0, 5);

        GuestFault f = t.fault(emulator, "f3 6e", GuestFault.PF);

        assertEquals(end, f.faultAddress());
        assertEquals(0, f.errorCode() & Machine.PF_WRITE, "a read");
        assertEquals(List.of("w0/1=61", "w0/1=62"), device.accesses);
        assertEquals(3, t.gpr(GPR_RCX));
        assertEquals(end, t.gpr(GPR_RSI));
        assertEquals(TestMachine.RIP, t.regs.rip());
    }

    @Test
    void repInsWritingBeyondRamIsWritePageFaultAfterTheElementsDone() {
        long end = TestMachine.RAM_SIZE;
        device.answering(0x11, 0x22, 0x33);
        strings(PORT, 0, end - 1, 3);

        GuestFault f = t.fault(emulator, "f3 6c", GuestFault.PF);

        assertEquals(end, f.faultAddress());
        assertEquals(Machine.PF_WRITE, f.errorCode() & Machine.PF_WRITE, "a write");
        assertEquals(0x11, t.memory.readU8(end - 1));
        assertEquals(2, t.gpr(GPR_RCX));
        assertEquals(end, t.gpr(GPR_RDI));
    }

    @Test
    void addressSizePrefixUsesEsiAndEcx() throws GuestFault {
        putString(SRC, "ok!");
        strings(PORT, 0xffff_ffff_0000_0000L | SRC, 0, 0xffff_ffff_0000_0000L | 2);

        run("67 f3 6e"); // rep outsb with 32-bit addresses: [esi], ecx

        assertEquals(List.of("w0/1=6f", "w0/1=6b"), device.accesses);
        assertEquals(SRC + 2, t.gpr(GPR_RSI) & 0xffff_ffffL);
        assertEquals(0, t.gpr(GPR_RCX) & 0xffff_ffffL);
    }

    @Test
    void addressSizePrefixWrapsEsiAt4GiB() throws GuestFault {
        t.memory.writeU8(0, 0x7a);
        setDirectionFlag();
        strings(PORT, 0, 0, 1);

        run("67 6e"); // outsb [esi] walking down from 0

        assertEquals(List.of("w0/1=7a"), device.accesses);
        assertEquals(0xffff_ffffL, t.gpr(GPR_RSI) & 0xffff_ffffL);
    }

    /**
     * A 32-bit register write zero-extends in 64-bit mode (SDM Vol. 1, 3.4.1.1), and
     * string instructions with a 0x67 prefix update ESI/EDI/ECX as 32-bit registers, so bits 63:32
     * of rsi/rdi/rcx become 0. Verified on the host: `addr32 rep movsb` with rsi = 0xdead0000_xxxxxxxx,
     * rcx = 0xcafe0000_00000003 leaves rsi = 0x00000000_xxxxxxxx+3, rcx = 0.
     */
    @Test
    void addressSizePrefixZeroExtendsRsiAndRcx() throws GuestFault {
        putString(SRC, "ok!");
        strings(PORT, 0xffff_ffff_0000_0000L | SRC, 0, 0xffff_ffff_0000_0000L | 2);

        run("67 f3 6e");

        assertEquals(SRC + 2, t.gpr(GPR_RSI));
        assertEquals(0, t.gpr(GPR_RCX));
    }

    /** Same bug for INS: rdi. */
    @Test
    void addressSizePrefixZeroExtendsRdi() throws GuestFault {
        strings(PORT, 0, 0xffff_ffff_0000_0000L | DST, 1);

        run("67 6c"); // insb [edi]

        assertEquals(DST + 1, t.gpr(GPR_RDI));
    }

    @Test
    void outsReadsThroughAnFsOrGsOverride() throws GuestFault {
        putString(SRC + 0x100, "f");
        putString(SRC + 0x200, "g");
        t.regs.setFsBase(0x100);
        t.regs.setGsBase(0x200);
        strings(PORT, SRC, 0, 0);

        run("64 6e"); // outsb dx, byte ptr fs:[rsi]
        t.setGpr(GPR_RSI, SRC);
        run("65 6e"); // outsb dx, byte ptr gs:[rsi]

        assertEquals(List.of("w0/1=66", "w0/1=67"), device.accesses);
    }

    @Test
    void repnePrefixRepeatsOutsAsRepDoes() throws GuestFault {
        putString(SRC, "ab");
        strings(PORT, SRC, 0, 2);

        run("f2 6e");

        assertEquals(List.of("w0/1=61", "w0/1=62"), device.accesses);
        assertEquals(0, t.gpr(GPR_RCX));
    }

    /** A long REP string stops after ELEMENTS_PER_STEP elements with rip kept, and resumes where it was. */
    @Test
    void aLongRepStringIsDoneInBoundedSteps() throws GuestFault {
        long count = StringRegisters.ELEMENTS_PER_STEP + 10;
        t.setGpr(GPR_RCX, count);
        t.setGpr(GPR_RDI, 0x1000);
        t.regs.set(dev.uhv.decoder.Register.DX, 0x2f0); // unclaimed: reads all ones

        assertEquals(Outcome.RETRY, t.run(emulator, "f3 6c")); // rep insb
        assertEquals(10, t.gpr(GPR_RCX));
        assertEquals(0x1000 + StringRegisters.ELEMENTS_PER_STEP, t.gpr(GPR_RDI));
        assertEquals(TestMachine.RIP, t.regs.rip(), "rip stays: the instruction runs again");

        assertEquals(Outcome.ADVANCE, t.run(emulator, "f3 6c"));
        assertEquals(0, t.gpr(GPR_RCX));
        assertEquals(0x1000 + count, t.gpr(GPR_RDI));
        assertEquals(0xff, t.memory.readU8(0x1000 + count - 1));
    }
}
