package dev.uhv.loader;

/**
 * One piece of an image placed in guest RAM: fileSize bytes copied from the image at
 * physicalAddress, then zeros up to memorySize (an ELF .bss).
 */
public record LoadedSegment(long physicalAddress, long fileSize, long memorySize) {

    /** The first guest-physical address past the segment. */
    public long end() {
        return physicalAddress + memorySize;
    }
}
