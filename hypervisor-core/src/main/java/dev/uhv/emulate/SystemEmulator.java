package dev.uhv.emulate;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.CpuidResult;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * HLT, CLI, STI, SWAPGS, cache and TLB maintenance, and XSETBV. The guest runs on the host's page
 * tables and caches, so INVLPG, INVPCID, WBINVD and INVD have nothing to flush here.
 */
public final class SystemEmulator implements Emulator {
    private static final Logger log = LoggerFactory.getLogger(SystemEmulator.class);
    private static final long XCR0_X87 = 1, XCR0_SSE = 2, XCR0_AVX = 4;
    /** opmask, ZMM_Hi256, Hi16_ZMM: the AVX-512 state, enabled all together or not at all. */
    private static final long XCR0_AVX512 = 0xe0;

    private boolean xcr0NarrowingReported;

    @Override
    public InstructionFamily family() {
        return InstructionFamily.SYSTEM;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.HLT, Mnemonic.CLI, Mnemonic.STI, Mnemonic.SWAPGS, Mnemonic.INVLPG, Mnemonic.INVPCID,
                Mnemonic.WBINVD, Mnemonic.INVD, Mnemonic.XSETBV);
    }

    /** CLI and STI follow IOPL instead (SDM Vol. 2A, CLI: #GP(0) when CPL > IOPL, no VME/PVI here). */
    @Override
    public boolean privileged(DecodedInstruction insn) {
        return insn.mnemonic() != Mnemonic.CLI && insn.mnemonic() != Mnemonic.STI;
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        if ((insn.mnemonic() == Mnemonic.CLI || insn.mnemonic() == Mnemonic.STI) && m.cpu().cpl() > m.cpu().iopl()) {
            throw GuestFault.gp(String.format("%s at CPL%d above IOPL %d", insn.mnemonicText(), m.cpu().cpl(),
                    m.cpu().iopl()));
        }
        switch (insn.mnemonic()) {
            case HLT -> {
                // Nothing can raise an interrupt yet, so a halted CPU never wakes, whatever IF says.
                return Outcome.stop(ExitReason.HALTED, m.cpu().interruptFlag()
                        ? "hlt with interrupts enabled, but no device raises interrupts yet"
                        : "hlt with interrupts disabled");
            }
            case CLI -> m.cpu().setInterruptFlag(false);
            case STI -> m.cpu().setInterruptFlag(true);
            case SWAPGS -> swapgs(m);
            case XSETBV -> xsetbv(m);
            default -> {
                // INVLPG, INVPCID, WBINVD, INVD: no guest-owned TLB or cache to act on.
            }
        }
        return Outcome.ADVANCE;
    }

    /** SWAPGS exchanges GS.base with IA32_KERNEL_GS_BASE; GS.base is the child's real one. */
    private static void swapgs(Machine m) {
        MsrFile msrs = m.cpu().msrs();
        long gs = msrs.gsBase();
        msrs.setGsBase(msrs.kernelGsBase());
        msrs.setKernelGsBase(gs);
    }

    /** XCR0 bits the guest may set: what its CPUID leaf 0xD enumerates, within the host's XCR0. */
    private static long supportedXcr0(Machine m) {
        CpuidResult leaf = m.cpu().cpuid().query(0xd, 0, m.cpu().cr().cr4(), m.cpu().msrs().apicBase());
        long enumerated = ((leaf.edx() & 0xffff_ffffL) << 32) | (leaf.eax() & 0xffff_ffffL);
        return enumerated & m.hostXcr0();
    }

    /**
     * XSETBV (SDM Vol. 2D; Vol. 1, 13.3): #UD without CR4.OSXSAVE; #GP for ecx != 0, x87 cleared,
     * AVX without SSE, AVX-512 state partly enabled or without AVX, or bits the guest's CPUID leaf 0xD
     * does not enumerate. The child keeps the host's XCR0; uhv records the guest's and can only warn
     * if the guest narrows it.
     */
    private void xsetbv(Machine m) throws GuestFault {
        if ((m.cpu().cr().cr4() & ControlRegisters.CR4_OSXSAVE) == 0) {
            throw GuestFault.ud("xsetbv with CR4.OSXSAVE clear");
        }
        RegisterFile r = m.regs();
        long xcr = r.ecx();
        long value = r.edxEax();
        if (xcr != 0) {
            throw GuestFault.gp(String.format("xsetbv of XCR%d, which does not exist", xcr));
        }
        if ((value & XCR0_X87) == 0) {
            throw GuestFault.gp(String.format("xsetbv XCR0 = 0x%x clears x87 state", value));
        }
        if ((value & XCR0_AVX) != 0 && (value & XCR0_SSE) == 0) {
            throw GuestFault.gp(String.format("xsetbv XCR0 = 0x%x enables AVX without SSE", value));
        }
        long avx512 = value & XCR0_AVX512;
        if (avx512 != 0 && (avx512 != XCR0_AVX512 || (value & (XCR0_SSE | XCR0_AVX)) != (XCR0_SSE | XCR0_AVX))) {
            throw GuestFault.gp(String.format("xsetbv XCR0 = 0x%x enables AVX-512 state inconsistently", value));
        }
        long unsupported = value & ~supportedXcr0(m);
        if (unsupported != 0) {
            throw GuestFault.gp(String.format("xsetbv XCR0 = 0x%x sets unsupported bits 0x%x", value, unsupported));
        }
        if (value != m.hostXcr0() && !xcr0NarrowingReported) {
            xcr0NarrowingReported = true;
            log.warn("guest set XCR0 = 0x{}; its code still runs with the host's XCR0 0x{}", Long.toHexString(value),
                    Long.toHexString(m.hostXcr0()));
        }
        m.cpu().setXcr0(value);
    }
}
