package dev.uhv.loader;

import java.util.List;

/**
 * What a boot protocol passes to a kernel besides its image (used by multiboot kernels only).
 *
 * @param kernelName         the image's name as the user gave it (QEMU puts it in front of a
 *                           multiboot v1 command line)
 * @param commandLine        the --append text, "" without it
 * @param modules            the --module files, in order
 * @param lowestMappable     the lowest guest-physical address the guest can reach (vm.mmap_min_addr
 *                           for a non-root user): boot information goes no lower
 */
public record BootParameters(String kernelName, String commandLine, List<BootModule> modules, long lowestMappable) {

    /** No command line, no modules, every address reachable: for loading outside a VM (tests, doctor). */
    public static final BootParameters NONE = new BootParameters("", "", List.of(), 0);

    public BootParameters {
        modules = List.copyOf(modules);
    }
}
