package dev.uhv.cpu;

/** The MSRs uhv models, with their architectural names and indexes (SDM Vol. 4). */
public enum Msr {
    TSC(0x10),
    APIC_BASE(0x1b),
    MTRRCAP(0xfe),
    SYSENTER_CS(0x174),
    SYSENTER_ESP(0x175),
    SYSENTER_EIP(0x176),
    MISC_ENABLE(0x1a0),
    PAT(0x277),
    MTRR_DEF_TYPE(0x2ff),
    EFER(0xc0000080),
    STAR(0xc0000081),
    LSTAR(0xc0000082),
    CSTAR(0xc0000083),
    SFMASK(0xc0000084),
    FS_BASE(0xc0000100),
    GS_BASE(0xc0000101),
    KERNEL_GS_BASE(0xc0000102),
    TSC_AUX(0xc0000103);

    private final int index;

    Msr(int index) {
        this.index = index;
    }

    public int index() {
        return index;
    }

    /** The model's MSR at index, or null. */
    public static Msr byIndex(int index) {
        for (Msr m : values()) {
            if (m.index == index) {
                return m;
            }
        }
        return null;
    }
}
