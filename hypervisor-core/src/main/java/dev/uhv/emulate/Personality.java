package dev.uhv.emulate;

/** Which system call ABI a guest's `syscall` (64-bit code) or `int 0x80` (32-bit code) reaches (--personality). */
public enum Personality {
    /** The guest's own, as on a CPU: syscall enters its LSTAR handler, int 0x80 goes through its IDT. */
    DEFAULT,
    /** uhv serves the calls itself: {@link VkernPersonality}. */
    VKERN
}
