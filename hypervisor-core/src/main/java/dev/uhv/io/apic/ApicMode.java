package dev.uhv.io.apic;

import dev.uhv.cpu.ApicMsrs;

/**
 * The local APIC's state as IA32_APIC_BASE's EN and EXTD bits select it, and which changes between
 * states a WRMSR may make (SDM Vol. 3A, 10.12.5.1, Figure 10-27 "Local x2APIC State Transitions").
 */
public enum ApicMode {
    /** EN = 0, EXTD = 0: globally disabled, as if the CPU had no APIC (10.4.3). */
    DISABLED,
    /** EN = 1, EXTD = 0: registers in the MMIO page. */
    XAPIC,
    /** EN = 1, EXTD = 1: registers in MSRs 0x800-0x8FF, the MMIO page gone. */
    X2APIC,
    /** EN = 0, EXTD = 1: no APIC can be in it; a WRMSR that asks for it is #GP. */
    INVALID;

    static ApicMode of(long apicBase) {
        boolean enabled = (apicBase & ApicMsrs.BASE_EN) != 0;
        boolean extended = (apicBase & ApicMsrs.BASE_EXTD) != 0;
        return enabled ? (extended ? X2APIC : XAPIC) : (extended ? INVALID : DISABLED);
    }

    /** Why IA32_APIC_BASE may not move the APIC from this state to next, or null where it may. */
    String refusalTo(ApicMode next) {
        if (next == INVALID) {
            return "EN = 0 with EXTD = 1 is the invalid state";
        }
        if (this == X2APIC && next == XAPIC) {
            return "x2APIC mode can only be left by disabling the APIC (EN = 0, EXTD = 0)";
        }
        if (this == DISABLED && next == X2APIC) {
            // "From the disabled state, the only valid x2APIC transition using IA32_APIC_BASE is to
            // the xAPIC mode" (10.12.5.1, x2APIC Transitions From Disabled Mode); KVM refuses it too.
            return "a disabled APIC must enter xAPIC mode before x2APIC mode";
        }
        return null;
    }
}
