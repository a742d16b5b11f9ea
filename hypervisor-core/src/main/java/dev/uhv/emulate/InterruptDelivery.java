package dev.uhv.emulate;

import dev.uhv.cpu.Canonical;
import dev.uhv.cpu.ExceptionRecord;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.IdtGate;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.SegmentDescriptor;
import dev.uhv.cpu.TableRegister;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.Register;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers exceptions and interrupts through the guest's IDT: a 64-bit IDT in IA-32e mode (SDM Vol.
 * 3A, 6.14: IST and TSS stack switches, the 16-byte aligned frame), a 32-bit one in protected mode
 * (SDM Vol. 3A, 6.12: 8-byte gates, SS0:ESP0 from a 32-bit TSS, 4-byte frame slots); gate checks, and
 * the double-fault rules for an exception raised while delivering another (SDM Vol. 3A, 6.15, Table 6-5).
 * Writes the frame into guest RAM and sets rip, rsp, CS, SS, CPL and RFLAGS; the transport moves them
 * to the child.
 */
public final class InterruptDelivery {
    private static final Logger log = LoggerFactory.getLogger(InterruptDelivery.class);
    /** A chain of benign exceptions handled serially could go on; a real CPU would hang or shut down. */
    private static final int MAX_CHAIN = 8;

    private InterruptDelivery() {
    }

    /**
     * Raises event: delivered (Outcome.JUMP, rip at the handler), or the run ends with an unhandled
     * exception (no IDT loaded) or a triple fault.
     */
    public static Outcome raise(Machine m, GuestEvent event) {
        VirtualCpu cpu = m.cpu();
        TableRegister idtr = cpu.tables().idtr();
        if (idtr.limit() == 0) {
            setCr2(cpu, event);
            m.accessLog().exception(event, false);
            return unhandled(cpu, event, "no IDT is loaded");
        }
        GuestEvent current = event;
        for (int chain = 0; ; chain++) {
            setCr2(cpu, current);
            int cplBefore = cpu.cpl();
            m.setSupervisorAccesses(true);
            try {
                deliver(m, current);
                record(cpu, current, cplBefore, "delivered");
                m.accessLog().exception(current, true);
                if (log.isDebugEnabled()) {
                    log.debug("delivered {}", describe(current, cplBefore));
                }
                return Outcome.JUMP;
            } catch (GuestFault f) {
                GuestEvent nested = GuestEvent.fault(f, current.kind() == GuestEvent.Kind.SOFTWARE
                        ? current.instructionRip() : current.returnRip());
                if ((current.vector() == GuestFault.DF && current.kind() == GuestEvent.Kind.ABORT) || chain == MAX_CHAIN) {
                    record(cpu, current, cplBefore, "triple fault");
                    m.accessLog().exception(current, false);
                    return tripleFault(cpu, current, nested);
                }
                record(cpu, current, cplBefore, "nested " + nested.name());
                setCr2(cpu, nested); // even when it becomes #DF (SDM Vol. 3A, 6.15, interrupt 14)
                // int n is benign whatever its vector (SDM Vol. 3A, Table 6-4): the fault is delivered alone.
                current = current.kind() != GuestEvent.Kind.SOFTWARE && isDoubleFault(current.vector(), nested.vector())
                        ? new GuestEvent(GuestFault.DF, GuestEvent.Kind.ABORT, 0, 0, nested.returnRip(),
                                nested.returnRip(), "double fault: " + nested.name() + " while delivering "
                                + current.name() + ": " + nested.detail())
                        : nested;
            } finally {
                m.setSupervisorAccesses(false);
            }
        }
    }

    private static Outcome unhandled(VirtualCpu cpu, GuestEvent event, String why) {
        record(cpu, event, "unhandled");
        return new Outcome.Stop(ExitReason.UNHANDLED_EXCEPTION, ExitReason.UNHANDLED_EXCEPTION.text() + " "
                + GuestFault.vectorName(event.vector()), describe(cpu, event) + " (" + why + ")");
    }

    /** Contributory exceptions (SDM Vol. 3A, Table 6-4): #DE, #TS, #NP, #SS, #GP. */
    private static boolean isContributory(int vector) {
        return vector == GuestFault.DE || (vector >= GuestFault.TS && vector <= GuestFault.GP);
    }

    /** SDM Vol. 3A, Table 6-5: which second exception turns into #DF; the others are handled serially. */
    static boolean isDoubleFault(int first, int second) {
        if (isContributory(first)) {
            return isContributory(second);
        }
        return first == GuestFault.PF && (isContributory(second) || second == GuestFault.PF);
    }

    private static void deliver(Machine m, GuestEvent e) throws GuestFault {
        VirtualCpu cpu = m.cpu();
        RegisterFile r = m.regs();
        int ext = e.ext();
        int cpl = cpu.cpl();
        boolean ia32e = cpu.msrs().longModeActive();
        int gateSize = ia32e ? IdtGate.SIZE : IdtGate.SIZE_32;
        long gateError = e.vector() * 8L + 2 + ext;
        TableRegister idtr = cpu.tables().idtr();
        if (e.vector() * (long) gateSize + gateSize - 1 > idtr.limit()) {
            throw GuestFault.gp(gateError, String.format("vector 0x%x is beyond the IDT limit 0x%x", e.vector(),
                    idtr.limit()));
        }
        long gateAddress = idtr.base() + e.vector() * (long) gateSize;
        IdtGate gate = IdtGate.decode(m.read(gateAddress, 8), ia32e ? m.read(gateAddress + 8, 8) : 0);
        if (!gate.isInterruptOrTrapGate()) {
            throw GuestFault.gp(gateError, String.format("IDT entry 0x%x has type 0x%x, not a %s interrupt or "
                    + "trap gate%s", e.vector(), gate.type(), ia32e ? "64-bit" : "32-bit",
                    ia32e ? "" : " (uhv delivers through no task or 16-bit gates)"));
        }
        if (e.kind() == GuestEvent.Kind.SOFTWARE && gate.dpl() < cpl) {
            throw GuestFault.gp(gateError, String.format("int 0x%x at CPL%d through a gate of DPL%d", e.vector(), cpl,
                    gate.dpl()));
        }
        if (!gate.present()) {
            throw GuestFault.np(gateError, String.format("IDT entry 0x%x is not present", e.vector()));
        }
        int selector = GuestDescriptors.resolveHostAlias(m, gate.selector());
        long offset = gate.offset();
        int ist = gate.ist();
        if ((selector & ~3) == 0) {
            throw GuestFault.gp(ext, String.format("IDT entry 0x%x has a null code selector", e.vector()));
        }
        long selectorError = (selector & ~3) | ext;
        SegmentDescriptor code = GuestDescriptors.read(m, selector, ext);
        if (!code.isCode() || code.dpl() > cpl) {
            throw GuestFault.gp(selectorError, String.format("IDT entry 0x%x: selector 0x%x is not a code segment "
                    + "of DPL <= CPL%d", e.vector(), selector, cpl));
        }
        if (!code.present()) {
            throw GuestFault.np(selectorError, String.format("IDT entry 0x%x: code segment 0x%x is not present",
                    e.vector(), selector));
        }
        if (!ia32e) {
            deliverProtected(m, e, gate, selector, code);
            return;
        }
        if (!code.isLongCode()) {
            throw GuestFault.gp(selectorError, String.format("IDT entry 0x%x: code segment 0x%x is not 64-bit code",
                    e.vector(), selector));
        }
        if (!Canonical.isCanonical(offset)) {
            throw GuestFault.gp(ext, String.format("IDT entry 0x%x: handler 0x%x is not canonical", e.vector(), offset));
        }
        int newCpl = code.isConforming() ? cpl : code.dpl();
        long rsp;
        if (ist != 0) {
            rsp = GuestDescriptors.tssIst(m, ist, ext);
        } else if (newCpl < cpl) {
            rsp = GuestDescriptors.tssRsp(m, newCpl, ext);
        } else {
            rsp = r.rsp();
        }
        if (!Canonical.isCanonical(rsp)) {
            throw GuestFault.ss(ext, String.format("the new stack 0x%x is not canonical", rsp));
        }
        // IA-32e delivery always pushes SS:RSP, after aligning RSP down to 16 (SDM Vol. 3A, 6.14.2).
        rsp &= ~0xfL;
        long flags = frameFlags(cpu, e);
        rsp = push(m, rsp, 8, e, cpu.selector(Register.SS), r.rsp(), flags, cpu.selector(Register.CS), e.returnRip());
        cpu.enterCode((selector & ~3) | newCpl, 64, newCpl);
        if (newCpl < cpl) {
            cpu.setSelector(Register.SS, newCpl); // a null SS with RPL = the new CPL (SDM Vol. 3A, 6.14.4)
        }
        enterHandler(cpu, gate, rsp, offset, flags);
    }

    /**
     * Protected-mode delivery through a 32-bit gate (SDM Vol. 3A, 6.12.1): to an inner level on the
     * SS0..2:ESP0..2 of the 32-bit TSS, pushing the old SS:ESP; at the same level on the current
     * stack. Slots are 4 bytes, with no alignment; the handler runs as 32-bit code.
     */
    private static void deliverProtected(Machine m, GuestEvent e, IdtGate gate, int selector, SegmentDescriptor code)
            throws GuestFault {
        VirtualCpu cpu = m.cpu();
        RegisterFile r = m.regs();
        int ext = e.ext();
        int cpl = cpu.cpl();
        if (code.codeBits() != 32) {
            throw GuestFault.gp((selector & ~3) | ext, String.format("IDT entry 0x%x: code segment 0x%x is not "
                    + "32-bit code", e.vector(), selector));
        }
        long offset = gate.offset() & 0xffff_ffffL;
        if (offset > code.limit()) {
            throw GuestFault.gp(ext, String.format("IDT entry 0x%x: handler 0x%x is beyond the code segment limit "
                    + "0x%x", e.vector(), offset, code.limit()));
        }
        int newCpl = code.isConforming() ? cpl : code.dpl();
        long flags = frameFlags(cpu, e);
        long esp = r.rsp() & 0xffff_ffffL;
        int newSs = -1;
        if (newCpl < cpl) {
            long stack = GuestDescriptors.tss32Stack(m, newCpl, ext);
            newSs = (int) (stack >>> 32);
            try {
                SegmentChecks.stackSegment(m, newSs, newCpl, false, "the TSS's SS" + newCpl);
            } catch (GuestFault bad) {
                // an unusable stack in the TSS is #TS(SS selector) (SDM Vol. 3A, 6.12.1.1)
                throw GuestFault.ts((newSs & ~3) | ext, bad.getMessage());
            }
            esp = push(m, stack & 0xffff_ffffL, 4, null, cpu.selector(Register.SS), esp);
        }
        esp = push(m, esp, 4, e, flags, cpu.selector(Register.CS), e.returnRip());
        cpu.enterCode((selector & ~3) | newCpl, 32, newCpl);
        if (newSs >= 0) {
            cpu.setSelector(Register.SS, newSs);
        }
        enterHandler(cpu, gate, esp, offset, flags);
    }

    /**
     * RFLAGS as the frame holds it: faults push RF = 1 so that the restarted instruction skips its
     * breakpoint (SDM Vol. 3A, 17.3.1.1).
     */
    private static long frameFlags(VirtualCpu cpu, GuestEvent e) {
        long flags = cpu.guestRflags() & ~Rflags.RF;
        return e.kind() == GuestEvent.Kind.FAULT ? flags | Rflags.RF : flags;
    }

    /**
     * Pushes values in order onto the stack at sp, in slots of bytes (4: a 32-bit stack, whose
     * pointer wraps at 4 GiB), then e's error code where it has one (e null: none); returns the new sp.
     */
    private static long push(Machine m, long sp, int bytes, GuestEvent e, long... values) throws GuestFault {
        long mask = Machine.addressMask(bytes * 8);
        for (long v : values) {
            sp = (sp - bytes) & mask;
            m.write(sp, bytes, v);
        }
        if (e != null && e.errorCode() >= 0) {
            sp = (sp - bytes) & mask;
            m.write(sp, bytes, e.errorCode());
        }
        return sp;
    }

    /** The handler's rsp, rip and RFLAGS: TF, NT, RF and VM clear, IF too through an interrupt gate. */
    private static void enterHandler(VirtualCpu cpu, IdtGate gate, long rsp, long rip, long flags) {
        cpu.regs().setRsp(rsp);
        cpu.regs().setRip(rip);
        long newFlags = flags & ~(Rflags.TF | Rflags.NT | Rflags.RF | Rflags.VM);
        cpu.setGuestRflags(gate.type() == IdtGate.TYPE_INTERRUPT ? newFlags & ~Rflags.IF : newFlags);
    }

    /** A #PF sets CR2; `int 14` does not (it is no page fault). */
    private static void setCr2(VirtualCpu cpu, GuestEvent e) {
        if (e.vector() == GuestFault.PF && e.kind() != GuestEvent.Kind.SOFTWARE) {
            cpu.cr().writeCr2(e.faultAddress());
        }
    }

    private static Outcome tripleFault(VirtualCpu cpu, GuestEvent delivering, GuestEvent nested) {
        log.warn("triple fault: {} while delivering {}; the last exceptions:", nested.name(), delivering.name());
        for (ExceptionRecord x : cpu.exceptions().last()) {
            log.warn("  {}", x.describe());
        }
        return Outcome.stop(ExitReason.TRIPLE_FAULT, String.format("%s while delivering %s: %s", nested.name(),
                delivering.name(), nested.detail()));
    }

    private static void record(VirtualCpu cpu, GuestEvent e, String outcome) {
        record(cpu, e, cpu.cpl(), outcome);
    }

    private static void record(VirtualCpu cpu, GuestEvent e, int cpl, String outcome) {
        cpu.exceptions().add(new ExceptionRecord(e.vector(), e.errorCode(), e.returnRip(), cpl, e.faultAddress(),
                outcome));
    }

    private static String describe(VirtualCpu cpu, GuestEvent e) {
        return describe(e, cpu.cpl());
    }

    private static String describe(GuestEvent e, int cpl) {
        String where = String.format("%s at 0x%x (CPL%d)", e.name(), e.returnRip(), cpl);
        if (e.vector() == GuestFault.PF) {
            where += String.format(", cr2=0x%x", e.faultAddress());
        }
        return e.detail() == null || e.detail().isEmpty() ? where : where + ": " + e.detail();
    }
}
