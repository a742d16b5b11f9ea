package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.cpu.RegisterFile.GPR_RBX;
import static dev.uhv.cpu.RegisterFile.GPR_RCX;
import static dev.uhv.cpu.RegisterFile.GPR_RDI;
import static dev.uhv.cpu.RegisterFile.GPR_RSI;
import static dev.uhv.cpu.Rflags.AF;
import static dev.uhv.cpu.Rflags.CF;
import static dev.uhv.cpu.Rflags.DF;
import static dev.uhv.cpu.Rflags.FIXED_1;
import static dev.uhv.cpu.Rflags.OF;
import static dev.uhv.cpu.Rflags.PF;
import static dev.uhv.cpu.Rflags.SF;
import static dev.uhv.cpu.Rflags.ZF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.GuestFault;
import dev.uhv.io.RecordingMmioDevice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every form the MMIO access emulator takes, against a recording device at {@link #DEV} (outside
 * the test machine's 2 MiB of RAM): what the device sees, what lands in registers, and RFLAGS
 * (SDM Vol. 1, Appendix A; Vol. 2 per instruction). Comments give the instruction in Intel syntax.
 */
class MmioAccessEmulatorTest {
    private static final long DEV = 0xfed0_0000L;
    private static final long RAM = 0x3000;
    private static final long STATUS = CF | PF | AF | ZF | SF | OF;

    private final TestMachine t = new TestMachine();
    private final RecordingMmioDevice device = new RecordingMmioDevice("testdev", 0x1000);
    private final MmioAccessEmulator emulator = new MmioAccessEmulator();

    MmioAccessEmulatorTest() {
        t.machine.mmio().register(DEV, 0x1000, device);
        t.regs.setRflags(FIXED_1);
    }

    /** rbx = DEV + offset, then runs hex, which must complete without moving rip. */
    private void at(long offset, String hex) throws GuestFault {
        t.setGpr(GPR_RBX, DEV + offset);
        run(hex);
    }

    private void run(String hex) throws GuestFault {
        assertTrue(emulator.accepts(t.decode(hex)), hex + " is a form the emulator takes");
        assertEquals(Outcome.ADVANCE, t.run(emulator, hex));
        assertEquals(TestMachine.RIP, t.regs.rip(), "emulators leave rip to the run loop");
    }

    private void run32(String hex) throws GuestFault {
        assertEquals(Outcome.ADVANCE, emulator.emulate(t.decode32(hex), t.machine));
    }

    private long status() {
        return t.regs.rflags() & STATUS;
    }

    private void assertStatus(long expected) {
        assertEquals(Long.toBinaryString(expected), Long.toBinaryString(status()), "status flags (OF..CF)");
    }

    private static String le64(long address) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            s.append(String.format(" %02x", (address >>> (8 * i)) & 0xff));
        }
        return s.toString();
    }

    // --- mov: loads -----------------------------------------------------------------------------

    @Test
    void movLoadsOfEverySizeFollowTheSubRegisterRules() throws GuestFault {
        device.poke(0x10, 8, 0x8877_6655_4433_2211L);
        long fill = 0x1111_1111_1111_1111L;

        t.setGpr(GPR_RAX, fill);
        at(0x10, "8a 03"); // mov al, [rbx]
        assertEquals(0x1111_1111_1111_1111L & ~0xffL | 0x11, t.gpr(GPR_RAX));
        t.setGpr(GPR_RAX, fill);
        at(0x10, "8a 23"); // mov ah, [rbx]
        assertEquals(0x1111_1111_1111_1111L & ~0xff00L | 0x1100, t.gpr(GPR_RAX));
        t.setGpr(GPR_RAX, fill);
        at(0x10, "66 8b 03"); // mov ax, [rbx]
        assertEquals(0x1111_1111_1111_2211L, t.gpr(GPR_RAX));
        t.setGpr(GPR_RAX, fill);
        at(0x10, "8b 03"); // mov eax, [rbx]: zero-extends
        assertEquals(0x4433_2211L, t.gpr(GPR_RAX));
        at(0x10, "48 8b 03"); // mov rax, [rbx]
        assertEquals(0x8877_6655_4433_2211L, t.gpr(GPR_RAX));
        at(0x10, "4c 8b 03"); // mov r8, [rbx]
        assertEquals(0x8877_6655_4433_2211L, t.gpr(8));

        assertEquals(List.of("r10/1", "r10/1", "r10/2", "r10/4", "r10/8", "r10/8"), device.accesses());
    }

    @Test
    void moffsLoadsAndStoresTakeTheFull64BitAddress() throws GuestFault {
        device.poke(0x20, 4, 0xcafe_f00dL);
        t.setGpr(GPR_RAX, -1L);

        run("a1" + le64(DEV + 0x20)); // mov eax, [abs64]
        assertEquals(0xcafe_f00dL, t.gpr(GPR_RAX));
        run("a0" + le64(DEV + 0x21)); // mov al, [abs64]
        assertEquals(0xcafe_f0f0L, t.gpr(GPR_RAX));
        t.setGpr(GPR_RAX, 0x0123_4567_89ab_cdefL);
        run("48 a3" + le64(DEV + 0x28)); // mov [abs64], rax

        assertEquals(List.of("r20/4", "r21/1", "w28/8=123456789abcdef"), device.accesses());
    }

    @Test
    void anFsOverrideAddsTheFsBase() throws GuestFault {
        t.regs.setFsBase(DEV);
        t.setGpr(GPR_RBX, 0x40);

        run("64 8b 03"); // mov eax, fs:[rbx]

        assertEquals(List.of("r40/4"), device.accesses());
    }

    // --- mov: stores ----------------------------------------------------------------------------

    @Test
    void movStoresOfEverySizeFromRegisters() throws GuestFault {
        t.setGpr(GPR_RAX, 0x8877_6655_4433_2211L);
        t.setGpr(8, 0x0102_0304_0506_0708L);

        at(0, "88 03"); // mov [rbx], al
        at(0, "88 23"); // mov [rbx], ah
        at(0, "66 89 03"); // mov [rbx], ax
        at(0, "89 03"); // mov [rbx], eax
        at(0, "48 89 03"); // mov [rbx], rax
        at(8, "4c 89 03"); // mov [rbx], r8

        assertEquals(List.of("w0/1=11", "w0/1=22", "w0/2=2211", "w0/4=44332211", "w0/8=8877665544332211",
                "w8/8=102030405060708"), device.accesses());
    }

    @Test
    void movStoresOfImmediatesAtTheOperandSize() throws GuestFault {
        at(0, "c6 03 5a"); // mov byte [rbx], 0x5a
        at(0, "66 c7 03 34 12"); // mov word [rbx], 0x1234
        at(0, "c7 03 78 56 34 12"); // mov dword [rbx], 0x12345678
        at(0, "48 c7 03 f0 ff ff ff"); // mov qword [rbx], -16: imm32 sign-extended

        assertEquals(List.of("w0/1=5a", "w0/2=1234", "w0/4=12345678", "w0/8=fffffffffffffff0"), device.accesses());
    }

    // --- movzx, movsx, movsxd -------------------------------------------------------------------

    @Test
    void movzxZeroExtends() throws GuestFault {
        device.poke(0, 2, 0x8081);
        t.setGpr(GPR_RAX, -1L);

        at(0, "0f b6 03"); // movzx eax, byte [rbx]
        assertEquals(0x81, t.gpr(GPR_RAX));
        at(0, "48 0f b7 03"); // movzx rax, word [rbx]
        assertEquals(0x8081, t.gpr(GPR_RAX));
        t.setGpr(GPR_RAX, -1L);
        at(0, "66 0f b6 03"); // movzx ax, byte [rbx]: bits 63:16 kept
        assertEquals(0xffff_ffff_ffff_0081L, t.gpr(GPR_RAX));
    }

    @Test
    void movsxSignExtendsToTheDestinationThenFollowsItsWidth() throws GuestFault {
        device.poke(0, 4, 0x8000_8080L);

        at(0, "0f be 03"); // movsx eax, byte [rbx]: 0xffffff80, zero-extended into rax
        assertEquals(0xffff_ff80L, t.gpr(GPR_RAX));
        at(0, "48 0f bf 03"); // movsx rax, word [rbx]
        assertEquals(0xffff_ffff_ffff_8080L, t.gpr(GPR_RAX));
        t.setGpr(GPR_RAX, 0);
        at(0, "66 0f be 03"); // movsx ax, byte [rbx]
        assertEquals(0xff80, t.gpr(GPR_RAX));
        at(0, "48 63 03"); // movsxd rax, dword [rbx]
        assertEquals(0xffff_ffff_8000_8080L, t.gpr(GPR_RAX));
        device.poke(0, 1, 0x7f);
        at(0, "48 0f be 03"); // movsx rax, byte [rbx]: positive
        assertEquals(0x7f, t.gpr(GPR_RAX));
    }

    // --- add, adc -------------------------------------------------------------------------------

    @Test
    void addThatWrapsToZeroSetsCarryZeroParityAndAux() throws GuestFault {
        device.poke(0, 4, 0xffff_ffffL);

        at(0, "83 03 01"); // add dword [rbx], 1

        assertEquals(List.of("r0/4", "w0/4=0"), device.accesses());
        assertStatus(CF | ZF | PF | AF);
    }

    @Test
    void addThatCrossesIntoTheSignBitSetsOverflowAndSign() throws GuestFault {
        device.poke(0, 1, 0x7f);

        at(0, "80 03 01"); // add byte [rbx], 1 -> 0x80: one bit set, odd parity

        assertEquals(0x80, device.peek(0, 1));
        assertStatus(OF | SF | AF);
    }

    @Test
    void addOfTwoNegativesThatOverflowsSetsCarryAndOverflow() throws GuestFault {
        device.poke(0, 2, 0x8000);
        t.setGpr(GPR_RAX, 0x8000);

        at(0, "66 01 03"); // add [rbx], ax -> 0x0000

        assertEquals(0, device.peek(0, 2));
        assertStatus(CF | OF | ZF | PF);
    }

    @Test
    void addIntoARegisterReadsTheDeviceOnly() throws GuestFault {
        device.poke(0, 8, 0x0fL);
        t.setGpr(GPR_RAX, 0x1_0000_0001L);

        at(0, "48 03 03"); // add rax, [rbx]

        assertEquals(0x1_0000_0010L, t.gpr(GPR_RAX));
        assertEquals(List.of("r0/8"), device.accesses());
        assertStatus(AF); // 0x1 + 0xf carries out of bit 3; 0x10 has one bit set
    }

    @Test
    void adcAddsTheCarryIn() throws GuestFault {
        device.poke(0, 4, 0xffff_fffeL);
        t.regs.setRflags(FIXED_1 | CF);
        t.setGpr(GPR_RAX, 1);

        at(0, "11 03"); // adc [rbx], eax: 0xfffffffe + 1 + 1 = 0 carry 1

        assertEquals(0, device.peek(0, 4));
        assertStatus(CF | ZF | PF | AF);
    }

    // --- sub, sbb, cmp --------------------------------------------------------------------------

    @Test
    void cmpBelowSetsBorrowSignAuxAndParityAndWritesNothing() throws GuestFault {
        at(0, "83 3b 01"); // cmp dword [rbx], 1: 0 - 1 = 0xffffffff

        assertEquals(List.of("r0/4"), device.accesses());
        assertStatus(CF | SF | AF | PF);
    }

    @Test
    void cmpEqualSetsZeroAndParity() throws GuestFault {
        device.poke(0, 8, 0x1234_5678_9abc_def0L);
        t.setGpr(GPR_RAX, 0x1234_5678_9abc_def0L);
        t.regs.setRflags(FIXED_1 | CF | OF | SF | AF);

        at(0, "48 3b 03"); // cmp rax, [rbx]

        assertStatus(ZF | PF);
        assertEquals(0x1234_5678_9abc_def0L, t.gpr(GPR_RAX), "cmp stores nothing");
    }

    @Test
    void subThatLeavesTheSignedRangeSetsOverflow() throws GuestFault {
        device.poke(0, 1, 0x80);

        at(0, "80 2b 01"); // sub byte [rbx], 1: -128 - 1 -> 0x7f (seven bits set: odd parity)

        assertEquals(0x7f, device.peek(0, 1));
        assertStatus(OF | AF);
    }

    @Test
    void cmpWithASignExtendedImmediate() throws GuestFault {
        device.poke(0, 8, -1L);

        at(0, "48 83 3b ff"); // cmp qword [rbx], -1

        assertStatus(ZF | PF);
    }

    @Test
    void sbbSubtractsTheBorrowIn() throws GuestFault {
        device.poke(0, 4, 5);
        t.regs.setRflags(FIXED_1 | CF);
        t.setGpr(GPR_RAX, 5);

        at(0, "19 03"); // sbb [rbx], eax: 5 - 5 - 1 = -1

        assertEquals(0xffff_ffffL, device.peek(0, 4));
        assertStatus(CF | SF | AF | PF);
    }

    @Test
    void subFromARegisterSetsFlagsFromTheDeviceValue() throws GuestFault {
        device.poke(0, 4, 0x10);
        t.setGpr(GPR_RAX, 0x10);

        at(0, "2b 03"); // sub eax, [rbx]

        assertEquals(0, t.gpr(GPR_RAX));
        assertStatus(ZF | PF);
    }

    // --- test, and, or, xor ---------------------------------------------------------------------

    @Test
    void testClearsCarryOverflowAndAuxAndWritesNothing() throws GuestFault {
        device.poke(0, 1, 0x81);
        t.regs.setRflags(FIXED_1 | CF | OF | AF | ZF);

        at(0, "f6 03 80"); // test byte [rbx], 0x80

        assertEquals(List.of("r0/1"), device.accesses());
        assertStatus(SF); // 0x80: sign set, one bit (odd parity)
    }

    @Test
    void testWithARegisterThatFindsNoCommonBitSetsZero() throws GuestFault {
        device.poke(0, 4, 0xf0);
        t.setGpr(GPR_RAX, 0x0f);

        at(0, "85 03"); // test [rbx], eax

        assertStatus(ZF | PF);
    }

    @Test
    void andOrXorStoreTheirResultAndClearCarryAndOverflow() throws GuestFault {
        device.poke(0, 4, 0xff00_ff00L);
        t.regs.setRflags(FIXED_1 | CF | OF);
        t.setGpr(GPR_RAX, 0x0000_00ffL);

        at(0, "81 23 00 ff ff 0f"); // and dword [rbx], 0x0fffff00
        assertEquals(0x0f00_ff00L, device.peek(0, 4));
        assertStatus(PF); // low byte 0: even parity
        at(0, "09 03"); // or [rbx], eax
        assertEquals(0x0f00_ffffL, device.peek(0, 4));
        assertStatus(PF);
        at(0, "33 03"); // xor eax, [rbx]
        assertEquals(0x0f00_ff00L, t.gpr(GPR_RAX));
        assertStatus(PF);
        at(0, "80 33 80"); // xor byte [rbx], 0x80
        assertEquals(0x7f, device.peek(0, 1));
        assertStatus(0); // seven bits: odd parity
    }

    // --- inc, dec, not, neg ---------------------------------------------------------------------

    @Test
    void incAndDecKeepTheCarryFlag() throws GuestFault {
        device.poke(0, 4, 0xffff_ffffL);

        at(0, "ff 03"); // inc dword [rbx]
        assertEquals(0, device.peek(0, 4));
        assertStatus(ZF | PF | AF); // no CF although it wrapped
        t.regs.setRflags(FIXED_1 | CF);
        at(0, "ff 0b"); // dec dword [rbx]
        assertEquals(0xffff_ffffL, device.peek(0, 4));
        assertStatus(CF | SF | PF | AF);
    }

    @Test
    void negSetsCarryUnlessZero() throws GuestFault {
        device.poke(0, 4, 1);
        at(0, "f7 1b"); // neg dword [rbx]
        assertEquals(0xffff_ffffL, device.peek(0, 4));
        assertStatus(CF | SF | PF | AF);

        device.poke(0, 4, 0);
        at(0, "f7 1b");
        assertStatus(ZF | PF);

        device.poke(0, 1, 0x80);
        at(0, "f6 1b"); // neg byte [rbx]: -(-128) overflows
        assertEquals(0x80, device.peek(0, 1));
        assertStatus(CF | OF | SF);
    }

    @Test
    void notChangesNoFlag() throws GuestFault {
        device.poke(0, 2, 0x00ff);
        t.regs.setRflags(FIXED_1 | CF | ZF);

        at(0, "66 f7 13"); // not word [rbx]

        assertEquals(0xff00, device.peek(0, 2));
        assertStatus(CF | ZF);
    }

    // --- xchg, bt -------------------------------------------------------------------------------

    @Test
    void xchgSwapsTheRegisterAndTheDeviceValue() throws GuestFault {
        device.poke(0, 4, 0xaaaa_aaaaL);
        t.setGpr(GPR_RAX, 0xffff_ffff_1234_5678L);

        at(0, "87 03"); // xchg [rbx], eax

        assertEquals(0xaaaa_aaaaL, t.gpr(GPR_RAX), "a 32-bit register write zero-extends");
        assertEquals(List.of("r0/4", "w0/4=12345678"), device.accesses());

        device.poke(0, 1, 0x5a);
        at(0, "86 23"); // xchg [rbx], ah
        assertEquals(0xaaaa_5aaaL, t.gpr(GPR_RAX));
        assertEquals(0xaa, device.peek(0, 1));
    }

    @Test
    void btCopiesTheSelectedBitToCarryAndWritesNothing() throws GuestFault {
        device.poke(0x10, 8, 0x8000_0000_0000_0020L);
        t.regs.setRflags(FIXED_1 | ZF);

        at(0x10, "0f ba 23 05"); // bt dword [rbx], 5
        assertStatus(CF | ZF);
        at(0x10, "0f ba 23 26"); // bt dword [rbx], 38: modulo 32 is bit 6
        assertStatus(ZF);
        t.setGpr(GPR_RAX, 63);
        at(0x10, "48 0f a3 03"); // bt qword [rbx], rax
        assertStatus(CF | ZF);

        assertEquals(List.of("r10/4", "r10/4", "r10/8"), device.accesses());
    }

    @Test
    void btWithARegisterOffsetAddressesTheWordItFallsIn() throws GuestFault {
        device.poke(0x14, 4, 0x8);
        device.poke(0x0c, 4, 0x8000_0000L);

        t.setGpr(GPR_RAX, 35);
        at(0x10, "0f a3 03"); // bt [rbx], eax: dword at +4, bit 3
        assertStatus(CF);
        t.setGpr(GPR_RAX, -1);
        at(0x10, "0f a3 03"); // bt [rbx], eax: dword at -4, bit 31
        assertStatus(CF);

        assertEquals(List.of("r14/4", "rc/4"), device.accesses());
    }

    @Test
    void btRegisterOffsetWrapsAtA32BitAddressSize() throws GuestFault {
        RecordingMmioDevice top = new RecordingMmioDevice("top", 0x1000);
        t.machine.mmio().register(0xffff_f000L, 0x1000, top);
        top.poke(0xffc, 4, 0x8000_0000L);
        t.setGpr(GPR_RBX, 0);
        t.setGpr(GPR_RAX, -1);

        run("67 0f a3 03"); // bt [ebx], eax: the dword at ebx - 4 wraps to 0xfffffffc

        assertEquals(List.of("rffc/4"), top.accesses());
        assertStatus(CF);
    }

    // --- stos -----------------------------------------------------------------------------------

    @Test
    void stosWithoutRepStoresOnceAndIgnoresRcx() throws GuestFault {
        t.setGpr(GPR_RAX, 0x1122_3344_5566_7788L);
        t.setGpr(GPR_RDI, DEV);
        t.setGpr(GPR_RCX, 7);

        run("48 ab"); // stosq

        assertEquals(List.of("w0/8=1122334455667788"), device.accesses());
        assertEquals(DEV + 8, t.gpr(GPR_RDI));
        assertEquals(7, t.gpr(GPR_RCX));
    }

    @Test
    void repStosForward() throws GuestFault {
        t.setGpr(GPR_RAX, 0xabcd_1234L);
        t.setGpr(GPR_RDI, DEV + 0x10);
        t.setGpr(GPR_RCX, 3);

        run("f3 ab"); // rep stosd

        assertEquals(List.of("w10/4=abcd1234", "w14/4=abcd1234", "w18/4=abcd1234"), device.accesses());
        assertEquals(DEV + 0x1c, t.gpr(GPR_RDI));
        assertEquals(0, t.gpr(GPR_RCX));
    }

    @Test
    void repStosBackwardWithDirectionFlag() throws GuestFault {
        t.regs.setRflags(FIXED_1 | DF);
        t.setGpr(GPR_RAX, 0xbeef);
        t.setGpr(GPR_RDI, DEV + 0x10);
        t.setGpr(GPR_RCX, 3);

        run("f3 66 ab"); // rep stosw

        assertEquals(List.of("w10/2=beef", "we/2=beef", "wc/2=beef"), device.accesses());
        assertEquals(DEV + 0xa, t.gpr(GPR_RDI));
    }

    @ParameterizedTest
    @ValueSource(strings = {"f3 aa", "f3 48 a5", "f2 aa"})
    void repWithAZeroCountDoesNothing(String hex) throws GuestFault {
        t.setGpr(GPR_RDI, DEV);
        t.setGpr(GPR_RSI, DEV + 0x100);
        t.setGpr(GPR_RCX, 0);

        run(hex);

        assertEquals(List.of(), device.accesses());
        assertEquals(DEV, t.gpr(GPR_RDI));
        assertEquals(DEV + 0x100, t.gpr(GPR_RSI));
    }

    @Test
    void repneRepeatsStosAsRepDoes() throws GuestFault {
        t.setGpr(GPR_RDI, DEV);
        t.setGpr(GPR_RCX, 2);

        run("f2 aa"); // repne stosb

        assertEquals(2, device.accesses().size());
        assertEquals(0, t.gpr(GPR_RCX));
    }

    // --- movs -----------------------------------------------------------------------------------

    @Test
    void repMovsFromTheDeviceToRam() throws GuestFault {
        device.poke(0x20, 8, 0x0807_0605_0403_0201L);
        t.setGpr(GPR_RSI, DEV + 0x20);
        t.setGpr(GPR_RDI, RAM);
        t.setGpr(GPR_RCX, 4);

        run("f3 66 a5"); // rep movsw

        assertEquals(0x0807_0605_0403_0201L, t.memory.readU64(RAM));
        assertEquals(List.of("r20/2", "r22/2", "r24/2", "r26/2"), device.accesses());
        assertEquals(DEV + 0x28, t.gpr(GPR_RSI));
        assertEquals(RAM + 8, t.gpr(GPR_RDI));
        assertEquals(0, t.gpr(GPR_RCX));
    }

    @Test
    void repMovsFromRamToTheDeviceBackward() throws GuestFault {
        t.memory.writeU64(RAM, 0x2222_2222_1111_1111L);
        t.regs.setRflags(FIXED_1 | DF);
        t.setGpr(GPR_RSI, RAM + 4);
        t.setGpr(GPR_RDI, DEV + 4);
        t.setGpr(GPR_RCX, 2);

        run("f3 a5"); // rep movsd

        assertEquals(List.of("w4/4=22222222", "w0/4=11111111"), device.accesses());
        assertEquals(RAM - 4, t.gpr(GPR_RSI));
        assertEquals(DEV - 4, t.gpr(GPR_RDI));
    }

    @Test
    void movsReadsItsSourceThroughAnFsOrGsOverride() throws GuestFault {
        device.poke(0x30, 1, 0x66);
        device.poke(0x31, 1, 0x67);
        t.regs.setFsBase(DEV);
        t.regs.setGsBase(DEV + 1);
        t.setGpr(GPR_RSI, 0x30);
        t.setGpr(GPR_RDI, RAM);

        run("64 a4"); // movsb byte [rdi], byte fs:[rsi]
        t.setGpr(GPR_RSI, 0x30);
        run("65 a4"); // movsb byte [rdi], byte gs:[rsi]

        assertEquals(0x6766, t.memory.readU16(RAM));
    }

    @Test
    void aPageFaultPartWayLeavesTheRegistersOfTheElementsDone() {
        // The third source byte is past the device and is no RAM either.
        t.setGpr(GPR_RSI, DEV + 0xffe);
        t.setGpr(GPR_RDI, RAM);
        t.setGpr(GPR_RCX, 5);

        GuestFault f = t.fault(emulator, "f3 a4", GuestFault.PF);

        assertEquals(DEV + 0x1000, f.faultAddress());
        assertEquals(3, t.gpr(GPR_RCX));
        assertEquals(DEV + 0x1000, t.gpr(GPR_RSI));
        assertEquals(RAM + 2, t.gpr(GPR_RDI));
    }

    // --- address size, long counts --------------------------------------------------------------

    /** A device at the top of the 4 GiB space, so an edi walk wraps from it into RAM at 0. */
    @Test
    void addressSizePrefixWrapsEdiAndCountsInEcx() throws GuestFault {
        RecordingMmioDevice top = new RecordingMmioDevice("top", 0x1000);
        t.machine.mmio().register(0xffff_f000L, 0x1000, top);
        t.setGpr(GPR_RAX, 0x5a);
        t.setGpr(GPR_RDI, 0xdead_0000_ffff_fffeL);
        t.setGpr(GPR_RCX, 0xcafe_0000_0000_0004L);

        run("67 f3 aa"); // rep stosb [edi], ecx = 4

        assertEquals(List.of("wffe/1=5a", "wfff/1=5a"), top.accesses());
        assertEquals(0x5a5a, t.memory.readU16(0));
        assertEquals(2, t.gpr(GPR_RDI), "edi wrapped, bits 63:32 cleared");
        assertEquals(0, t.gpr(GPR_RCX), "ecx counted, bits 63:32 cleared");
    }

    @Test
    void compatibilityModeMovsUsesEsiEdiEcx() throws GuestFault {
        device.poke(0, 4, 0x0403_0201L);
        t.setGpr(GPR_RSI, DEV);
        t.setGpr(GPR_RDI, RAM);
        t.setGpr(GPR_RCX, 0xffff_ffff_0000_0004L);

        run32("f3 a4"); // rep movsb in 32-bit code

        assertEquals(0x0403_0201L, t.memory.readU32(RAM));
        assertEquals(DEV + 4, t.gpr(GPR_RSI));
        assertEquals(0, t.gpr(GPR_RCX));
    }

    @Test
    void aSixteenBitAddressSizeWrapsDiAndCountsInCxKeepingTheUpperBits() throws GuestFault {
        t.setGpr(GPR_RAX, 0x77);
        t.setGpr(GPR_RDI, 0xaaaa_bbbb_cccc_fffeL);
        t.setGpr(GPR_RCX, 0x1234_0000_0000_0003L);

        run32("67 f3 aa"); // rep stosb [di], cx = 3, in 32-bit code

        assertEquals(0x77, t.memory.readU8(0xfffe));
        assertEquals(0x77, t.memory.readU8(0xffff));
        assertEquals(0x77, t.memory.readU8(0));
        assertEquals(0xaaaa_bbbb_cccc_0001L, t.gpr(GPR_RDI), "di wrapped, bits 63:16 kept");
        assertEquals(0x1234_0000_0000_0000L, t.gpr(GPR_RCX), "cx counted, bits 63:16 kept");
    }

    @Test
    void compatibilityModeMoffsAndRegisterForms() throws GuestFault {
        device.poke(0x10, 4, 0x1234_5678L);

        run32("a1 10 00 d0 fe"); // mov eax, [0xfed00010]
        assertEquals(0x1234_5678L, t.gpr(GPR_RAX));
        t.setGpr(GPR_RBX, DEV + 0x20);
        run32("89 03"); // mov [ebx], eax
        run32("83 03 01"); // add dword [ebx], 1

        assertEquals(0x1234_5679L, device.peek(0x20, 4));
    }

    @Test
    void aLongRepIsSplitIntoBoundedStepsThatResume() throws GuestFault {
        RecordingMmioDevice big = new RecordingMmioDevice("big", 0x10000);
        t.machine.mmio().register(0xfe00_0000L, 0x10000, big);
        long count = StringRegisters.ELEMENTS_PER_STEP + 5;
        t.setGpr(GPR_RAX, 0x77);
        t.setGpr(GPR_RDI, 0xfe00_0000L);
        t.setGpr(GPR_RCX, count);

        assertEquals(Outcome.RETRY, t.run(emulator, "f3 aa"));
        assertEquals(StringRegisters.ELEMENTS_PER_STEP, big.accesses().size());
        assertEquals(5, t.gpr(GPR_RCX));
        assertEquals(0xfe00_0000L + StringRegisters.ELEMENTS_PER_STEP, t.gpr(GPR_RDI));
        assertEquals(TestMachine.RIP, t.regs.rip(), "rip stays: the instruction runs again");

        assertEquals(Outcome.ADVANCE, t.run(emulator, "f3 aa"));
        assertEquals(count, big.accesses().size());
        assertEquals(0, t.gpr(GPR_RCX));
        assertEquals(0xfe00_0000L + count, t.gpr(GPR_RDI));
    }

    // --- what the emulator does not take --------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
        "ff 33",          // push qword [rbx]
        "8f 03",          // pop qword [rbx]
        "0f 10 03",       // movups xmm0, [rbx]
        "f2 0f 10 03",    // movsd xmm0, [rbx] (SSE, not the string movsd)
        "8c 03",          // mov [rbx], es
        "0f b1 0b",       // cmpxchg [rbx], ecx
        "0f c1 03",       // xadd [rbx], eax
        "f3 ad",          // rep lodsd
        "0f ab 03",       // bts [rbx], eax
        "48 89 d8",       // mov rax, rbx: no memory at all
    })
    void formsItDoesNotTakeAreRefused(String hex) {
        assertFalse(emulator.accepts(t.decode(hex)), hex);
    }

    @Test
    void everyMnemonicItNamesHasAFormItTakes() {
        List<String> forms = List.of("8b 03", "0f b6 03", "0f be 03", "48 63 03", "87 03", "01 03", "11 03", "29 03",
                "19 03", "21 03", "09 03", "31 03", "39 03", "85 03", "ff 03", "ff 0b", "f7 13", "f7 1b", "0f a3 03",
                "aa", "66 ab", "ab", "48 ab", "a4", "66 a5", "a5", "48 a5");
        List<Object> taken = new ArrayList<>();
        for (String hex : forms) {
            assertTrue(emulator.accepts(t.decode(hex)), hex);
            taken.add(t.decode(hex).mnemonic());
        }
        assertEquals(emulator.mnemonics(), java.util.Set.copyOf(taken));
    }

    @Test
    void itIsNotPrivileged() {
        assertFalse(emulator.privileged(t.decode("8b 03")), "CPL3 code may touch MMIO its page tables allow");
        assertEquals(InstructionFamily.MMIO, emulator.family());
    }

    @Test
    void anAccessThatMissesBothRamAndDevicesIsAPageFault() {
        t.setGpr(GPR_RBX, DEV + 0x1000);

        GuestFault f = t.fault(emulator, "89 03", GuestFault.PF);

        assertEquals(Machine.PF_WRITE, f.errorCode());
        assertThrows(GuestFault.class, () -> t.run(emulator, "8b 03"));
    }
}
