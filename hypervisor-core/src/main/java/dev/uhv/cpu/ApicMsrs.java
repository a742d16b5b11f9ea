package dev.uhv.cpu;

/**
 * The MSRs that belong to the local APIC: IA32_APIC_BASE (0x1B) and the x2APIC register range. The
 * {@link MsrFile} hands every access to them to the APIC the VM attaches, so that the APIC's
 * state and rules live in one place (the device) and the CPU package does not depend on devices.
 * A CPU with no APIC attached has none of these MSRs: accesses are #GP and {@link #apicBase()}
 * reads 0 (the APIC is absent, so CPUID reports none).
 */
public interface ApicMsrs {
    int APIC_BASE = 0x1b;
    /**
     * The x2APIC MSRs uhv models: 0x800-0x8FF (SDM Vol. 3A, 10.12.1.2). The SDM reserves up to
     * 0xBFF for the APIC; nothing is defined above 0x8FF, and KVM models the same range.
     */
    int X2APIC_FIRST = 0x800, X2APIC_LAST = 0x8ff;

    /** IA32_APIC_BASE bits (SDM Vol. 3A, 10.4.4, Figure 10-5; 10.12.1 for EXTD). */
    long BASE_BSP = 1L << 8, BASE_EXTD = 1L << 10, BASE_EN = 1L << 11;
    /** Reset value: the bootstrap processor, globally enabled, xAPIC mode, page 0xFEE00000. */
    long BASE_DEFAULT = 0xfee0_0000L | BASE_BSP | BASE_EN;

    /** The APIC of a CPU without one: every access is #GP. */
    ApicMsrs ABSENT = new ApicMsrs() {
        @Override
        public long read(int index) throws GuestFault {
            throw absent("rdmsr", index);
        }

        @Override
        public void write(int index, long value) throws GuestFault {
            throw absent("wrmsr", index);
        }

        @Override
        public long apicBase() {
            return 0;
        }

        private GuestFault absent(String op, int index) {
            return GuestFault.gp(String.format("%s 0x%x: the virtual CPU has no local APIC", op, index));
        }
    };

    /** Whether the MSR at index belongs to the APIC. */
    static boolean covers(int index) {
        return index == APIC_BASE || (index >= X2APIC_FIRST && index <= X2APIC_LAST);
    }

    /** RDMSR of an index {@link #covers} accepts, with the SDM's #GP rules. */
    long read(int index) throws GuestFault;

    /** WRMSR of an index {@link #covers} accepts, with the SDM's #GP rules. */
    void write(int index, long value) throws GuestFault;

    /** IA32_APIC_BASE now, for CPUID (its APIC bit follows EN) and the state dump. */
    long apicBase();
}
