package dev.uhv.cpu;

import java.util.Arrays;
import java.util.Comparator;

/** The MSRs uhv models, with their architectural names and indexes (SDM Vol. 4). */
public enum Msr {
    TSC(0x10),
    APIC_BASE(0x1b),
    MTRRCAP(0xfe),
    SYSENTER_CS(0x174),
    SYSENTER_ESP(0x175),
    SYSENTER_EIP(0x176),
    MISC_ENABLE(0x1a0),
    MTRR_PHYSBASE0(0x200), MTRR_PHYSMASK0(0x201), MTRR_PHYSBASE1(0x202), MTRR_PHYSMASK1(0x203),
    MTRR_PHYSBASE2(0x204), MTRR_PHYSMASK2(0x205), MTRR_PHYSBASE3(0x206), MTRR_PHYSMASK3(0x207),
    MTRR_PHYSBASE4(0x208), MTRR_PHYSMASK4(0x209), MTRR_PHYSBASE5(0x20a), MTRR_PHYSMASK5(0x20b),
    MTRR_PHYSBASE6(0x20c), MTRR_PHYSMASK6(0x20d), MTRR_PHYSBASE7(0x20e), MTRR_PHYSMASK7(0x20f),
    MTRR_FIX64K_00000(0x250),
    MTRR_FIX16K_80000(0x258), MTRR_FIX16K_A0000(0x259),
    MTRR_FIX4K_C0000(0x268), MTRR_FIX4K_C8000(0x269), MTRR_FIX4K_D0000(0x26a), MTRR_FIX4K_D8000(0x26b),
    MTRR_FIX4K_E0000(0x26c), MTRR_FIX4K_E8000(0x26d), MTRR_FIX4K_F0000(0x26e), MTRR_FIX4K_F8000(0x26f),
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

    /** Indexes in unsigned order, with their MSRs, for a lookup that allocates nothing (rdmsr is hot). */
    private static final Msr[] SORTED = Arrays.stream(values())
            .sorted(Comparator.comparingLong(m -> m.index & 0xffff_ffffL)).toArray(Msr[]::new);
    private static final long[] SORTED_INDEXES = Arrays.stream(SORTED).mapToLong(m -> m.index & 0xffff_ffffL).toArray();

    private final int index;

    Msr(int index) {
        this.index = index;
    }

    public int index() {
        return index;
    }

    /** The model's MSR at index, or null. */
    public static Msr byIndex(int index) {
        int i = Arrays.binarySearch(SORTED_INDEXES, index & 0xffff_ffffL);
        return i >= 0 ? SORTED[i] : null;
    }
}
