package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.io.ConsoleOutput;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vkern system call ABI (--personality vkern): the guest's system call asks uhv itself for a
 * service, numbered in rax (eax in 32-bit code). 0 ends the run; 1 prints the NUL-terminated string
 * at rbx (ebx) to the serial output, whatever its length; 11 (exec) is ignored; any other number is
 * ignored with a warning. Registers are left as they are: the run loop moves rip past the
 * instruction on ADVANCE. Plain Java: it sees guest memory only through {@link Machine}.
 */
public final class VkernPersonality {
    public static final long EXIT = 0;
    public static final long PRINT = 1;
    public static final long EXEC = 11;

    private static final Logger log = LoggerFactory.getLogger(VkernPersonality.class);
    /** Bytes copied from guest RAM to the output at a time, so a print of any length allocates nothing. */
    private static final int CHUNK = 4096;

    private final ConsoleOutput out;
    private final byte[] chunk = new byte[CHUNK];

    /** serial: where the print call writes (the VM's COM1 output). */
    public VkernPersonality(OutputStream serial) {
        out = new ConsoleOutput("vkern", serial);
    }

    /**
     * Serves the system call the guest made.
     *
     * @param rip     the address of its system call instruction, for the warning
     * @param is32Bit true for 32-bit code: the number and the string are eax and ebx, and the upper
     *                halves of rax and rbx are ignored
     * @return ADVANCE, or the stop of the exit call
     * @throws GuestFault #PF when the string does not end (NUL) inside guest RAM; nothing is printed then
     */
    public Outcome serve(Machine m, long rip, boolean is32Bit) throws GuestFault {
        RegisterFile r = m.regs();
        long mask = is32Bit ? 0xffff_ffffL : -1L;
        long number = r.gpr(RegisterFile.GPR_RAX) & mask;
        if (number == EXIT) {
            return Outcome.stop(ExitReason.GUEST_EXIT, "vkern system call 0");
        }
        if (number == PRINT) {
            print(m, r.gpr(RegisterFile.GPR_RBX) & mask);
        } else if (number != EXEC) {
            log.warn("vkern: system call {} at 0x{} ignored", Long.toUnsignedString(number), Long.toHexString(rip));
        }
        return Outcome.ADVANCE;
    }

    /** Finds the NUL before writing, so a string that runs off RAM prints nothing, as a failed copy_from_user. */
    private void print(Machine m, long address) throws GuestFault {
        long length = 0;
        try {
            while (m.read(address + length, 1) != 0) {
                length++;
            }
        } catch (GuestFault f) {
            throw GuestFault.pf(f.faultAddress(), f.errorCode(), String.format("vkern print of the string at 0x%x: %s",
                    address, f.getMessage()));
        }
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(CHUNK, length - done);
            m.memory().read(address + done, chunk, 0, n); // inside RAM: the scan read every byte
            out.write(chunk, 0, n);
            done += n;
        }
        out.flush(); // like a write(2): the text is out when the call returns
    }
}
