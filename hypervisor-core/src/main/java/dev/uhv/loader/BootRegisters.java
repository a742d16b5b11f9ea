package dev.uhv.loader;

/**
 * The general-purpose registers a boot protocol hands the kernel at its entry point (multiboot: EAX
 * the boot loader's magic, EBX the address of the boot information). Every other register starts at 0.
 */
public record BootRegisters(long eax, long ebx) {
    /** Plain ELF and raw images get nothing in their registers. */
    public static final BootRegisters NONE = new BootRegisters(0, 0);
}
