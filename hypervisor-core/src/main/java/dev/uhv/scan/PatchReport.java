package dev.uhv.scan;

/**
 * A patched site for the state dump and the trace: where, the original instruction, its traps, and
 * whether the patch is still in place (false once a write to its page took it out and no rescan put
 * it back).
 */
public record PatchReport(long address, int length, String instruction, long traps, boolean active) {
}
