package dev.uhv.paging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.MsrFile;
import dev.uhv.memory.GuestMemory;
import org.junit.jupiter.api.Test;

class PageTableWalkerTest {
    private static final long P = 1, RW = 2, PS = 0x80;
    private static final long PML4 = 0x1000, PDPT = 0x2000, PD = 0x3000, PT = 0x4000;
    private final GuestMemory ram = GuestMemory.allocate(16 << 20);
    private final PageTableWalker walker = new PageTableWalker(ram, true);

    /** The multiboot kernels' layout: PML4[0] -> PDPT[0] -> PD of 2 MiB identity pages. */
    private void identity2MiB(int pages) {
        ram.writeU64(PML4, PDPT | P | RW);
        ram.writeU64(PDPT, PD | P | RW);
        for (int i = 0; i < pages; i++) {
            ram.writeU64(PD + 8L * i, ((long) i << 21) | P | RW | PS);
        }
    }

    @Test
    void modeFollowsPgPaeAndLme() {
        long pg = ControlRegisters.CR0_PG | ControlRegisters.CR0_PE;
        assertEquals(PagingMode.NONE, PagingMode.of(ControlRegisters.CR0_PE, 0, 0));
        assertEquals(PagingMode.LEGACY_32, PagingMode.of(pg, 0, 0));
        assertEquals(PagingMode.PAE, PagingMode.of(pg, ControlRegisters.CR4_PAE, 0));
        assertEquals(PagingMode.LEVEL_4, PagingMode.of(pg, ControlRegisters.CR4_PAE, MsrFile.EFER_LME));
    }

    @Test
    void identity2MiBPagesPass() {
        identity2MiB(512);

        assertNull(walker.firstNonIdentity(PagingMode.LEVEL_4, PML4));
    }

    @Test
    void a2MiBPageElsewhereIsReportedWithItsAddresses() {
        identity2MiB(4);
        ram.writeU64(PD + 8 * 3, (5L << 21) | P | PS);

        Mapping m = walker.firstNonIdentity(PagingMode.LEVEL_4, PML4);

        assertEquals(new Mapping(3L << 21, 5L << 21, 2 << 20, false), m);
        assertEquals("2 MiB", m.sizeText());
    }

    @Test
    void identity4KiBPagesPassAndOneMovedPageDoesNot() {
        ram.writeU64(PML4, PDPT | P);
        ram.writeU64(PDPT, PD | P);
        ram.writeU64(PD, PT | P);
        for (int i = 0; i < 512; i++) {
            ram.writeU64(PT + 8L * i, ((long) i << 12) | P);
        }
        assertNull(walker.firstNonIdentity(PagingMode.LEVEL_4, PML4));

        ram.writeU64(PT + 8 * 7, 0x9000 | P);

        assertEquals(new Mapping(0x7000, 0x9000, 4096, false), walker.firstNonIdentity(PagingMode.LEVEL_4, PML4));
    }

    @Test
    void notPresentEntriesAreIgnored() {
        identity2MiB(2);
        ram.writeU64(PD + 8 * 9, 0x7777_0000L); // P clear: whatever the address bits say

        assertNull(walker.firstNonIdentity(PagingMode.LEVEL_4, PML4));
    }

    @Test
    void aHigherHalfMappingIsReportedWithItsCanonicalAddress() {
        identity2MiB(1);
        ram.writeU64(PML4 + 8 * 511, PDPT | P); // the top 512 GiB reuse the low tables

        Mapping m = walker.firstNonIdentity(PagingMode.LEVEL_4, PML4);

        assertEquals(0xffff_ff80_0000_0000L, m.virtualAddress());
        assertEquals(0, m.physicalAddress());
    }

    @Test
    void a1GiBPageIsALeaf() {
        ram.writeU64(PML4, PDPT | P);
        ram.writeU64(PDPT, P | PS);
        ram.writeU64(PDPT + 8, (1L << 30) | P | PS);
        assertNull(walker.firstNonIdentity(PagingMode.LEVEL_4, PML4));

        ram.writeU64(PDPT + 16, P | PS);
        assertEquals(new Mapping(2L << 30, 0, 1L << 30, false), walker.firstNonIdentity(PagingMode.LEVEL_4, PML4));
    }

    @Test
    void aTableOutsideRamIsReported() {
        ram.writeU64(PML4, 0x4000_0000L | P);

        Mapping m = walker.firstNonIdentity(PagingMode.LEVEL_4, PML4);

        assertTrue(m.tableOutsideRam());
        assertEquals(0x4000_0000L, m.physicalAddress());
    }

    @Test
    void legacy32BitPagingWith4MiBAnd4KiBPages() {
        ram.writeU32(PD, P | PS); // 0..4 MiB
        ram.writeU32(PD + 4, PT | P); // 4 MiB.. through a page table
        for (int i = 0; i < 1024; i++) {
            ram.writeU32(PT + 4L * i, (0x400000L + ((long) i << 12)) | P);
        }
        assertNull(walker.firstNonIdentity(PagingMode.LEGACY_32, PD));

        ram.writeU32(PD + 8, P | PS); // 8 MiB -> 0
        assertEquals(new Mapping(8 << 20, 0, 4 << 20, false), walker.firstNonIdentity(PagingMode.LEGACY_32, PD));
    }

    @Test
    void withoutPseA32BitLargePageBitIsAPageTable() {
        PageTableWalker noPse = new PageTableWalker(ram, false);
        ram.writeU32(PD, PT | P | PS);
        ram.writeU32(PT, P); // virtual 0 -> physical 0
        ram.writeU32(PT + 4, 0x5000 | P);

        assertEquals(new Mapping(0x1000, 0x5000, 4096, false), noPse.firstNonIdentity(PagingMode.LEGACY_32, PD));
    }

    @Test
    void paeUsesFourPdptesOfTwoMiBDirectories() {
        ram.writeU64(PDPT, PD | P);
        ram.writeU64(PDPT + 24, PD | P); // the 3..4 GiB quarter reuses the first directory
        ram.writeU64(PD, P | PS);

        Mapping m = walker.firstNonIdentity(PagingMode.PAE, PDPT);

        assertEquals(new Mapping(3L << 30, 0, 2 << 20, false), m);
    }
}
