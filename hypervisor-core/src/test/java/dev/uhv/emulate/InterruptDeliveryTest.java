package dev.uhv.emulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.ExceptionRecord;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.SegmentRegister;
import dev.uhv.cpu.TableRegister;
import dev.uhv.decoder.Register;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

/** Delivery through a 64-bit IDT (SDM Vol. 3A, 6.14) and the double-fault rules (6.15, Table 6-5). */
class InterruptDeliveryTest {
    private static final long GDT = 0x10000, IDT = 0x11000, TSS = 0x12000;
    private static final long KERNEL_STACK = 0x30000, IST1_STACK = 0x40000, USER_STACK = 0x50008;
    private static final long HANDLER = 0x20000;
    private static final int KERNEL_CS = 0x08, KERNEL_DS = 0x10, USER_DS = 0x23, USER_CS = 0x2b, TSS_SEL = 0x30;
    /** Flat data, DPL 3: present, writable, accessed. */
    private static final long DATA_DPL3 = 0x00cf_f300_0000_ffffL;
    private static final long DATA_DPL0 = 0x00cf_9300_0000_ffffL;
    private static final long CODE64_DPL3 = Gdt.CODE64 | (3L << 45);

    private final TestMachine t = new TestMachine();

    @BeforeEach
    void kernel() {
        new Gdt(t.memory, GDT).put(KERNEL_CS, Gdt.CODE64).put(KERNEL_DS, DATA_DPL0).put(USER_DS, DATA_DPL3)
                .put(USER_CS, CODE64_DPL3).putSystem(TSS_SEL, TSS, 0x67, Gdt.TYPE_TSS_BUSY, true, false)
                .load(t.cpu, 0x3f);
        t.cpu.tables().setTr(new SegmentRegister(TSS_SEL, TSS, 0x67, Gdt.TYPE_TSS_BUSY));
        t.memory.writeU64(TSS + 4, KERNEL_STACK);  // RSP0
        t.memory.writeU64(TSS + 36, IST1_STACK);   // IST1
        t.cpu.tables().setIdtr(new TableRegister(IDT, 256 * 16 - 1));
        for (int v = 0; v < 256; v++) {
            gate(v, KERNEL_CS, HANDLER + v * 16L, 0xe, 0, 0, true);
        }
        t.cpu.enterCode(KERNEL_CS, 64, 0);
        t.cpu.setSelector(Register.SS, KERNEL_DS);
        t.regs.setRsp(KERNEL_STACK - 0x100 + 8); // not 16-byte aligned
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.IF);
    }

    private void gate(int vector, int selector, long offset, int type, int dpl, int ist, boolean present) {
        long low = (offset & 0xffff) | ((long) selector << 16) | ((long) ist << 32) | ((long) type << 40)
                | ((long) dpl << 45) | (present ? 1L << 47 : 0) | ((offset >>> 16) & 0xffff) << 48;
        t.memory.writeU64(IDT + vector * 16L, low);
        t.memory.writeU64(IDT + vector * 16L + 8, offset >>> 32);
    }

    private void toUser() {
        t.cpu.enterCode(USER_CS, 64, 3);
        t.cpu.setSelector(Register.SS, USER_DS);
        t.regs.setRsp(USER_STACK);
    }

    private Outcome raise(GuestEvent e) {
        return InterruptDelivery.raise(t.machine, e);
    }

    private static GuestEvent fault(int vector, long error) {
        return new GuestEvent(vector, GuestEvent.Kind.FAULT, error, 0, TestMachine.RIP, TestMachine.RIP, "test");
    }

    /** The frame at rsp: [error code,] rip, cs, rflags, rsp, ss. */
    private long[] frame(boolean withError) {
        long rsp = t.regs.rsp();
        int n = withError ? 6 : 5;
        long[] f = new long[n];
        for (int i = 0; i < n; i++) {
            f[i] = t.memory.readU64(rsp + 8L * i);
        }
        return f;
    }

    @Test
    void withoutAnIdtTheRunEnds() {
        t.cpu.tables().setIdtr(TableRegister.NONE);
        Outcome.Stop stop = assertInstanceOf(Outcome.Stop.class, raise(fault(GuestFault.UD, -1)));
        assertEquals(ExitReason.UNHANDLED_EXCEPTION, stop.reason());
        assertEquals("unhandled guest exception #UD", stop.label());
        assertTrue(stop.detail().startsWith("#UD at 0x1000 (CPL0)"), stop.detail());
    }

    @Test
    void faultAtCpl0PushesAnAlignedFrameWithRfAndAnErrorCode() {
        long oldRsp = t.regs.rsp();
        assertSame(Outcome.JUMP, raise(fault(GuestFault.GP, 0x18)));

        assertEquals(HANDLER + 13 * 16, t.regs.rip());
        assertEquals((oldRsp & ~0xfL) - 6 * 8, t.regs.rsp(), "aligned down to 16, then six pushes");
        long[] f = frame(true);
        assertEquals(0x18, f[0], "error code");
        assertEquals(TestMachine.RIP, f[1], "rip of the faulting instruction");
        assertEquals(KERNEL_CS, f[2]);
        assertEquals(Rflags.FIXED_1 | Rflags.IF | Rflags.RF, f[3], "RF set for a fault, the guest's IF");
        assertEquals(oldRsp, f[4]);
        assertEquals(KERNEL_DS, f[5]);
        assertFalse(t.cpu.interruptFlag(), "an interrupt gate clears IF");
        assertEquals(0, t.cpu.cpl());
    }

    @Test
    void trapGateKeepsIfAndSoftwareInterruptsPushNoRf() {
        gate(0x40, KERNEL_CS, HANDLER, 0xf, 0, 0, true);
        assertSame(Outcome.JUMP, raise(GuestEvent.software(0x40, TestMachine.RIP, TestMachine.RIP + 2, "int 0x40")));
        long[] f = frame(false);
        assertEquals(TestMachine.RIP + 2, f[0], "int n returns after itself");
        assertEquals(0, f[2] & Rflags.RF);
        assertTrue(t.cpu.interruptFlag());
    }

    @Test
    void fromCpl3TheStackComesFromRsp0AndSsBecomesNull() {
        toUser();
        t.regs.setRflags(t.regs.rflags() | Rflags.TF);
        assertSame(Outcome.JUMP, raise(fault(GuestFault.PF, 0x6)));

        assertEquals(KERNEL_STACK - 6 * 8, t.regs.rsp());
        long[] f = frame(true);
        assertEquals(USER_CS, f[2]);
        assertEquals(USER_STACK, f[4]);
        assertEquals(USER_DS, f[5]);
        assertEquals(Rflags.TF, f[3] & Rflags.TF, "the pushed RFLAGS keep TF");
        assertEquals(0, t.cpu.cpl());
        assertEquals(KERNEL_CS, t.cpu.selector(Register.CS));
        assertEquals(0, t.cpu.selector(Register.SS), "null SS with RPL 0");
        assertEquals(0, t.regs.rflags() & Rflags.TF, "TF cleared for the handler");
    }

    @Test
    void anIstGateAlwaysSwitchesStacks() {
        gate(GuestFault.DF, KERNEL_CS, HANDLER, 0xe, 0, 1, true);
        assertSame(Outcome.JUMP, raise(new GuestEvent(GuestFault.DF, GuestEvent.Kind.ABORT, 0, 0, 0x1000, 0x1000, "")));
        assertEquals(IST1_STACK - 6 * 8, t.regs.rsp());
    }

    @Test
    void intThroughAGateOfLowerDplIsGpWithTheVectorInTheErrorCode() {
        toUser();
        assertSame(Outcome.JUMP, raise(GuestEvent.software(0x41, TestMachine.RIP, TestMachine.RIP + 2, "int 0x41")));
        assertEquals(HANDLER + 13 * 16, t.regs.rip(), "delivered as #GP");
        long[] f = frame(true);
        assertEquals(0x41 * 8 + 2, f[0], "IDT bit set, EXT clear");
        assertEquals(TestMachine.RIP, f[1], "the #GP points at the int");
    }

    @Test
    void aNotPresentGateIsNpWithExtForAnException() {
        gate(GuestFault.UD, KERNEL_CS, HANDLER, 0xe, 0, 0, false);
        assertSame(Outcome.JUMP, raise(fault(GuestFault.UD, -1)));
        assertEquals(HANDLER + 11 * 16, t.regs.rip());
        assertEquals(GuestFault.UD * 8 + 3, frame(true)[0]);
        List<ExceptionRecord> history = t.cpu.exceptions().last();
        assertEquals("nested #NP(0x33)", history.get(0).outcome());
        assertEquals("delivered", history.get(1).outcome());
    }

    @Test
    void aPageFaultOnTheStackWhileDeliveringAPageFaultIsADoubleFault() {
        toUser();
        t.memory.writeU64(TSS + 4, TestMachine.RAM_SIZE + 0x1000L); // RSP0 outside RAM
        gate(GuestFault.DF, KERNEL_CS, HANDLER, 0xe, 0, 1, true);
        assertSame(Outcome.JUMP, raise(fault(GuestFault.PF, 0x4)));
        assertEquals(HANDLER, t.regs.rip(), "the #DF gate");
        assertEquals(0, frame(true)[0], "#DF pushes 0");
    }

    @Test
    void benignThenContributoryIsHandledSerially() {
        assertTrue(InterruptDelivery.isDoubleFault(GuestFault.GP, GuestFault.NP));
        assertTrue(InterruptDelivery.isDoubleFault(GuestFault.PF, GuestFault.PF));
        assertTrue(InterruptDelivery.isDoubleFault(GuestFault.PF, GuestFault.GP));
        assertFalse(InterruptDelivery.isDoubleFault(GuestFault.GP, GuestFault.PF));
        assertFalse(InterruptDelivery.isDoubleFault(GuestFault.UD, GuestFault.GP));
        assertFalse(InterruptDelivery.isDoubleFault(GuestFault.BP, GuestFault.PF));
    }

    @Test
    void aFaultWhileDeliveringADoubleFaultIsATripleFault() {
        for (int v : new int[] {GuestFault.DF, GuestFault.NP, GuestFault.GP}) {
            gate(v, KERNEL_CS, HANDLER, 0xe, 0, 0, false);
        }
        Outcome.Stop stop = assertInstanceOf(Outcome.Stop.class, raise(fault(GuestFault.GP, 0)));
        assertEquals(ExitReason.TRIPLE_FAULT, stop.reason());
        assertTrue(stop.detail().contains("while delivering #DF"), stop.detail());
    }

    @Test
    void beyondTheIdtLimitIsGp() {
        t.cpu.tables().setIdtr(new TableRegister(IDT, 14 * 16 - 1)); // vectors 0..13
        assertSame(Outcome.JUMP, raise(GuestEvent.software(0x20, TestMachine.RIP, TestMachine.RIP + 2, "")));
        assertEquals(0x20 * 8 + 2, frame(true)[0]);
    }

    @Test
    void aGateToA32BitSegmentIsGp() {
        new Gdt(t.memory, GDT).put(0x38, 0x00cf_9b00_0000_ffffL).load(t.cpu, 0x3f);
        gate(0x40, 0x38, HANDLER, 0xe, 0, 0, true);
        assertSame(Outcome.JUMP, raise(GuestEvent.software(0x40, TestMachine.RIP, TestMachine.RIP + 2, "")));
        assertEquals(HANDLER + 13 * 16, t.regs.rip());
        assertEquals(0x38, frame(true)[0], "the selector, EXT clear for int n");
    }

    @Test
    void aFaultWhileDeliveringIntNIsDeliveredAloneWhateverTheVector() {
        toUser();
        t.memory.writeU64(TSS + 4, TestMachine.RAM_SIZE + 0x1000L); // RSP0 outside RAM: the push faults
        gate(GuestFault.GP, KERNEL_CS, HANDLER, 0xe, 3, 0, true);  // int 13 allowed from CPL3
        t.memory.writeU64(TSS + 36, IST1_STACK);
        gate(GuestFault.PF, KERNEL_CS, HANDLER + 0x100, 0xe, 0, 1, true);
        assertSame(Outcome.JUMP, raise(GuestEvent.software(GuestFault.GP, TestMachine.RIP, TestMachine.RIP + 2, "")));
        assertEquals(HANDLER + 0x100, t.regs.rip(), "the #PF alone, not #DF: int n is benign");
        assertEquals(TestMachine.RAM_SIZE + 0x1000L - 8, t.cpu.cr().cr2());
    }

    @Test
    void cr2TakesTheSecondAddressWhenAPageFaultBecomesADoubleFault() {
        toUser();
        t.memory.writeU64(TSS + 4, TestMachine.RAM_SIZE + 0x1000L);
        gate(GuestFault.DF, KERNEL_CS, HANDLER, 0xe, 0, 1, true);
        raise(new GuestEvent(GuestFault.PF, GuestEvent.Kind.FAULT, 0x4, 0x7f00_0000, 0x1000, 0x1000, ""));
        assertEquals(HANDLER, t.regs.rip(), "#DF");
        assertEquals(TestMachine.RAM_SIZE + 0x1000L - 8, t.cpu.cr().cr2(), "the stack push's address");
    }

    @Test
    void int14LeavesCr2Alone() {
        t.cpu.cr().writeCr2(0x1234);
        raise(GuestEvent.software(GuestFault.PF, TestMachine.RIP, TestMachine.RIP + 2, "int 14"));
        assertEquals(0x1234, t.cpu.cr().cr2());
    }

    @Test
    void framePushesAreSupervisorAccesses() {
        toUser();
        t.memory.writeU64(TSS + 4, TestMachine.RAM_SIZE + 0x1000L);
        raise(fault(GuestFault.UD, -1));
        List<ExceptionRecord> history = t.cpu.exceptions().last();
        assertEquals("nested #PF(0x2)", history.get(0).outcome(), "W set, U clear");
    }

    @Test
    void pageFaultSetsCr2() {
        raise(new GuestEvent(GuestFault.PF, GuestEvent.Kind.FAULT, 0x2, 0x7f00_0000, 0x1000, 0x1000, ""));
        assertEquals(0x7f00_0000, t.cpu.cr().cr2());
    }
}
