package dev.uhv.gdb;

/**
 * One register of uhv's target description, numbered as gdb numbers it in p/P packets and orders
 * it in g/G packets.
 *
 * @param number  its place in the description (and in the g packet)
 * @param name    gdb's name for it
 * @param bits    its size on the wire
 * @param type    the description's type
 * @param group   the register group gdb lists it in, or null for the feature's default
 * @param feature the feature it belongs to
 * @param source  where uhv keeps its value
 * @param index   which one of that source: a GPR's architectural number, a segment's
 *                (ES, CS, SS, DS, FS, GS order), a control register's number
 */
public record GdbRegister(int number, String name, int bits, String type, String group, String feature,
                          Source source, int index) {

    /** Where a register's value comes from. */
    public enum Source {
        GPR, RIP, RFLAGS, SEGMENT, FS_BASE, GS_BASE, KERNEL_GS_BASE, CONTROL, EFER,
        /** x87 and SSE state: the guest's FPU runs natively in its process and uhv does not fetch it; reads 0. */
        NOT_KEPT
    }

    public int bytes() {
        return bits / 8;
    }
}
