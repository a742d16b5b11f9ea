package dev.uhv.paging;

import dev.uhv.memory.GuestMemory;

/**
 * Walks the guest's page tables in guest RAM and finds the first present leaf that is not the
 * identity (SDM Vol. 3A, 4.3 for 32-bit paging, 4.4 for PAE, 4.5 for 4-level paging). uhv runs guest
 * code natively on its identity view of guest-physical memory, so a guest may turn paging on only
 * while every mapping it makes is the identity; anything else must end the run rather than let the
 * guest read the wrong bytes.
 *
 * <p>Only the P and PS bits and the addresses count: access rights (R/W, U/S, NX) are not modelled,
 * because the guest runs on the host's own page protections.
 */
public final class PageTableWalker {
    private static final long PRESENT = 1, PAGE_SIZE = 1 << 7;
    /** Address bits 51:12 of an 8-byte entry (MAXPHYADDR at most 52). */
    private static final long ADDRESS_52 = 0x000f_ffff_ffff_f000L;
    private static final long KIB_4 = 1L << 12;

    private final GuestMemory memory;
    private final boolean pse;

    /** @param pse CR4.PSE: 4 MiB pages in 32-bit paging (PAE and 4-level paging always allow large pages) */
    public PageTableWalker(GuestMemory memory, boolean pse) {
        this.memory = memory;
        this.pse = pse;
    }

    /** The first present leaf that does not map its virtual address to itself, or null if all do. */
    public Mapping firstNonIdentity(PagingMode mode, long cr3) {
        return switch (mode) {
            case NONE -> null;
            case LEGACY_32 -> walk32(cr3 & 0xffff_f000L);
            case PAE -> walkPae(cr3 & 0xffff_ffe0L);
            case LEVEL_4 -> walk64(cr3 & ADDRESS_52, 4, 0);
        };
    }

    private Mapping walk32(long directory) {
        if (!memory.contains(directory, KIB_4)) {
            return outside(0, directory);
        }
        for (int i = 0; i < 1024; i++) {
            long pde = memory.readU32(directory + 4L * i);
            long va = (long) i << 22;
            if ((pde & PRESENT) == 0) {
                continue;
            }
            Mapping m;
            if (pse && (pde & PAGE_SIZE) != 0) {
                // PSE-36: bits 20:13 of the PDE are physical address bits 39:32 (SDM Vol. 3A, 4.3).
                long pa = (pde & 0xffc0_0000L) | ((pde >>> 13) & 0xffL) << 32;
                m = leaf(va, pa, 1L << 22);
            } else {
                m = walkTable32(pde & 0xffff_f000L, va);
            }
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    private Mapping walkTable32(long table, long base) {
        if (!memory.contains(table, KIB_4)) {
            return outside(base, table);
        }
        for (int i = 0; i < 1024; i++) {
            long pte = memory.readU32(table + 4L * i);
            if ((pte & PRESENT) != 0) {
                Mapping m = leaf(base | (long) i << 12, pte & 0xffff_f000L, KIB_4);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }

    /** PAE: the four PDPTEs at CR3[31:5], each a page directory of 2 MiB / 4 KiB leaves. */
    private Mapping walkPae(long pdpt) {
        if (!memory.contains(pdpt, 32)) {
            return outside(0, pdpt);
        }
        for (int i = 0; i < 4; i++) {
            long pdpte = memory.readU64(pdpt + 8L * i);
            if ((pdpte & PRESENT) != 0) {
                Mapping m = walk64(pdpte & ADDRESS_52, 2, (long) i << 30);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }

    /**
     * A table of 512 8-byte entries at level (4: PML4, 3: PDPT, 2: PD, 1: PT), covering the
     * addresses from base. Level 3 and 2 entries with PS are 1 GiB and 2 MiB pages.
     */
    private Mapping walk64(long table, int level, long base) {
        if (!memory.contains(table, KIB_4)) {
            return outside(base, table);
        }
        int shift = 12 + 9 * (level - 1);
        for (int i = 0; i < 512; i++) {
            long entry = memory.readU64(table + 8L * i);
            if ((entry & PRESENT) == 0) {
                continue;
            }
            long va = canonical(base | (long) i << shift);
            Mapping m;
            if (level == 1 || ((level == 2 || level == 3) && (entry & PAGE_SIZE) != 0)) {
                long size = 1L << shift;
                m = leaf(va, entry & ADDRESS_52 & ~(size - 1), size);
            } else {
                m = walk64(entry & ADDRESS_52, level - 1, va);
            }
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    /** Bits 63:48 copy bit 47 (SDM Vol. 3A, 3.3.7.1). */
    private static long canonical(long va) {
        return va << 16 >> 16;
    }

    private static Mapping leaf(long va, long pa, long size) {
        return va == pa ? null : new Mapping(va, pa, size, false);
    }

    private static Mapping outside(long va, long table) {
        return new Mapping(va, table, 0, true);
    }
}
