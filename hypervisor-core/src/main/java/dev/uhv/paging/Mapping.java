package dev.uhv.paging;

/**
 * One leaf of the guest's page tables: the page at virtualAddress (size bytes) maps to
 * physicalAddress. A mapping whose table lies outside guest RAM has tableOutsideRam set and
 * physicalAddress is that table's address.
 */
public record Mapping(long virtualAddress, long physicalAddress, long size, boolean tableOutsideRam) {

    public boolean isIdentity() {
        return !tableOutsideRam && virtualAddress == physicalAddress;
    }

    /** "4 KiB", "2 MiB", "4 MiB", "1 GiB". */
    public String sizeText() {
        return size >= 1L << 30 ? (size >> 30) + " GiB" : size >= 1L << 20 ? (size >> 20) + " MiB" : (size >> 10) + " KiB";
    }
}
