package dev.uhv.paging;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.MsrFile;

/** The paging mode CR0.PG, CR4.PAE and EFER.LME select (SDM Vol. 3A, 4.1.1, Table 4-1). */
public enum PagingMode {
    NONE("off"),
    /** 32-bit paging: two levels of 4-byte entries, 4 MiB pages with CR4.PSE. */
    LEGACY_32("32-bit"),
    /** PAE paging: four PDPTEs, then two levels of 8-byte entries, 2 MiB pages. */
    PAE("PAE"),
    /** 4-level paging (IA-32e): 1 GiB and 2 MiB pages, 48-bit canonical addresses. */
    LEVEL_4("4-level");

    private final String text;

    PagingMode(String text) {
        this.text = text;
    }

    public static PagingMode of(long cr0, long cr4, long efer) {
        if ((cr0 & ControlRegisters.CR0_PG) == 0) {
            return NONE;
        }
        if ((cr4 & ControlRegisters.CR4_PAE) == 0) {
            return LEGACY_32;
        }
        return (efer & MsrFile.EFER_LME) != 0 ? LEVEL_4 : PAE;
    }

    /** How the dump and messages name it ("4-level"). */
    public String text() {
        return text;
    }
}
