package dev.uhv.emulate;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.paging.Mapping;
import dev.uhv.paging.PagingMode;

/**
 * The check uhv makes each time the guest's paging changes (MOV to CR0, CR3 or CR4): guest code runs
 * natively at guest-physical addresses, which is right while every present mapping of the guest's
 * tables is the identity (the usual early-boot layout). Any other mapping ends the run, naming it.
 */
final class IdentityMapping {

    private IdentityMapping() {
    }

    static Outcome check(Machine m) {
        VirtualCpu cpu = m.cpu();
        ControlRegisters cr = cpu.cr();
        PagingMode mode = PagingMode.of(cr.cr0(), cr.cr4(), cpu.msrs().efer());
        Mapping bad = m.pageTables((cr.cr4() & ControlRegisters.CR4_PSE) != 0).firstNonIdentity(mode, cr.cr3());
        if (bad == null) {
            return Outcome.ADVANCE;
        }
        String where = String.format("%s paging, CR3 0x%x", mode.text(), cr.cr3());
        if (bad.tableOutsideRam()) {
            return Outcome.stop(ExitReason.UNSUPPORTED_MAPPING, String.format("the page table for guest-virtual 0x%x "
                    + "is at 0x%x, outside guest RAM (%s)", bad.virtualAddress(), bad.physicalAddress(), where));
        }
        return Outcome.stop(ExitReason.UNSUPPORTED_MAPPING, String.format("guest-virtual 0x%x maps to guest-physical "
                + "0x%x (a %s page; %s): uhv runs guest code on the identity mapping only", bad.virtualAddress(),
                bad.physicalAddress(), bad.sizeText(), where));
    }
}
