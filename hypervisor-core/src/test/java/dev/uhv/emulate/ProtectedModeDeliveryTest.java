package dev.uhv.emulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.SegmentRegister;
import dev.uhv.cpu.TableRegister;
import dev.uhv.decoder.Register;
import org.junit.jupiter.api.Test;

/**
 * Delivery through a 32-bit IDT in protected mode (SDM Vol. 3A, 6.12): 8-byte gates, 4-byte frame
 * slots, SS0:ESP0 from a 32-bit TSS on a change to ring 0.
 */
class ProtectedModeDeliveryTest {
    private static final long GDT = 0x8000, IDT = 0x9000, TSS = 0xa000;
    private static final long HANDLER = 0x3000, STACK = 0x7000, ESP0 = 0x6000;
    private static final int CODE = 0x08, DATA = 0x10, USER_CODE = 0x1b, USER_DATA = 0x23, TSS_SELECTOR = 0x28;
    private static final int INTERRUPT_GATE = 0x8e, TRAP_GATE_DPL3 = 0xef;

    private final TestMachine t = new TestMachine(0);

    ProtectedModeDeliveryTest() {
        new Gdt(t.memory, GDT)
                .put(CODE, Gdt.flat(0x9b, Gdt.FLAGS_32))
                .put(DATA, Gdt.flat(0x93, Gdt.FLAGS_32))
                .put(USER_CODE & ~3, Gdt.flat(0xfb, Gdt.FLAGS_32))
                .put(USER_DATA & ~3, Gdt.flat(0xf3, Gdt.FLAGS_32))
                .load(t.cpu, 0x2f);
        t.cpu.tables().setIdtr(new TableRegister(IDT, 256 * 8 - 1));
        t.cpu.tables().setTr(new SegmentRegister(TSS_SELECTOR, TSS, 0x67, 0xb));
        t.memory.writeU32(TSS + 4, ESP0);
        t.memory.writeU16(TSS + 8, DATA);
        t.cpu.enterCode(CODE, 32, 0);
        t.cpu.setSelector(Register.SS, DATA);
        t.regs.setRsp(STACK);
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.IF);
    }

    private void gate(int vector, int access) {
        t.memory.writeU64(IDT + 8L * vector, (HANDLER & 0xffff) | (long) CODE << 16 | (long) access << 40
                | (HANDLER >>> 16) << 48);
    }

    @Test
    void aFaultAtTheSameLevelPushesEflagsCsEipAndTheErrorCodeIn4ByteSlots() {
        gate(GuestFault.GP, INTERRUPT_GATE);

        Outcome o = InterruptDelivery.raise(t.machine, GuestEvent.fault(GuestFault.gp(0x18, "test"), 0x1234));

        assertEquals(Outcome.JUMP, o);
        assertEquals(HANDLER, t.regs.rip());
        assertEquals(STACK - 16, t.regs.rsp());
        assertEquals(0x18, t.memory.readU32(STACK - 16));
        assertEquals(0x1234, t.memory.readU32(STACK - 12));
        assertEquals(CODE, t.memory.readU32(STACK - 8));
        assertEquals(Rflags.FIXED_1 | Rflags.IF | Rflags.RF, t.memory.readU32(STACK - 4));
        assertEquals(32, t.cpu.codeBits());
        assertFalse(t.cpu.interruptFlag(), "an interrupt gate clears IF");
    }

    @Test
    void intFromRing3SwitchesToSs0Esp0FromThe32BitTss() {
        gate(0x80, TRAP_GATE_DPL3);
        t.cpu.enterCode(USER_CODE, 32, 3);
        t.cpu.setSelector(Register.SS, USER_DATA);

        Outcome o = InterruptDelivery.raise(t.machine, GuestEvent.software(0x80, 0x4000, 0x4002, "int 0x80"));

        assertEquals(Outcome.JUMP, o);
        assertEquals(0, t.cpu.cpl());
        assertEquals(DATA, t.cpu.selector(Register.SS));
        assertEquals(ESP0 - 20, t.regs.rsp());
        assertEquals(0x4002, t.memory.readU32(ESP0 - 20));
        assertEquals(USER_CODE, t.memory.readU32(ESP0 - 16));
        assertEquals(STACK, t.memory.readU32(ESP0 - 8));
        assertEquals(USER_DATA, t.memory.readU32(ESP0 - 4));
        assertTrue(t.cpu.interruptFlag(), "a trap gate keeps IF");
    }

    @Test
    void aTaskGateIsRefusedWithGpNamingTheIdtEntry() {
        t.memory.writeU64(IDT + 8L * GuestFault.UD, (long) TSS_SELECTOR << 16 | 0x85L << 40);
        gate(GuestFault.GP, INTERRUPT_GATE);

        Outcome o = InterruptDelivery.raise(t.machine, GuestEvent.fault(GuestFault.UD, 0x1234, "ud2"));

        assertEquals(Outcome.JUMP, o);
        assertEquals(HANDLER, t.regs.rip());
        assertEquals(GuestFault.UD * 8 + 2 + 1, t.memory.readU32(t.regs.rsp()), "error code: the vector, IDT and EXT");
    }
}
