package dev.uhv.exec;

import dev.uhv.emulate.Personality;
import dev.uhv.loader.BootModule;
import dev.uhv.loader.ImageFormat;
import dev.uhv.scan.SensitiveMode;
import dev.uhv.trace.TraceOutput;

import java.io.OutputStream;
import java.time.Duration;
import java.util.List;

/**
 * Everything a run needs, already validated by the CLI.
 *
 * @param image        the kernel image's bytes
 * @param imageName    the name to show in messages
 * @param format       RAW, ELF (either class), ELF32, ELF64 or MULTIBOOT, or null to detect by the first bytes
 * @param loadAddress  where a raw image goes
 * @param entry        entry point override, or null (raw: the load address; ELF: e_entry)
 * @param memSize      guest RAM in bytes, a multiple of 4 KiB, or {@link #AUTOMATIC_MEM_SIZE}
 * @param stackPointer initial rsp, or null for the top of RAM
 * @param cpu          the host CPU to pin the vCPU thread and the child to, or -1 for none
 * @param serial       where COM1 output goes
 * @param debugcon     where port 0xE9 output goes
 * @param ignoreMsrs   unmodelled MSRs read 0 and ignore writes instead of #GP
 * @param timeout      wall-clock limit, or null
 * @param maxTraps     trap limit, or 0 for none
 * @param trapRdtsc    make rdtsc/rdtscp fault so they see the guest's TSC offset (costly on hosts
 *                     where CR4 writes are slow: the kernel toggles CR4.TSD on every switch)
 * @param personality  which system call ABI the guest's syscall / int 0x80 reaches
 * @param commandLine  a multiboot kernel's command line (--append), "" without one
 * @param modules      a multiboot kernel's modules (--module), in order
 * @param sensitive    how the sensitive instructions that do not fault are intercepted (--sensitive)
 * @param trace        where the JSON Lines trace goes (--trace) and its size limit (--trace-limit), or null
 *                     for none; uhv closes it
 * @param transport    how traps reach uhv (--transport)
 * @param singleStep   run the guest one instruction at a time, counting them (--single-step)
 */
public record VmConfig(byte[] image, String imageName, ImageFormat format, long loadAddress, Long entry,
                       long memSize, Long stackPointer, int cpu, OutputStream serial, OutputStream debugcon,
                       boolean ignoreMsrs, Duration timeout, long maxTraps, boolean trapRdtsc,
                       Personality personality, String commandLine, List<BootModule> modules,
                       SensitiveMode sensitive, TraceOutput trace, TransportKind transport,
                       boolean singleStep) {
    /** memSize for "{@link #DEFAULT_MEM_SIZE}, or as much as the image and the stack need" (no --mem). */
    public static final long AUTOMATIC_MEM_SIZE = 0;

    public static final long DEFAULT_LOAD_ADDRESS = 0x100000;
    public static final long DEFAULT_MEM_SIZE = 64L << 20;

    public VmConfig {
        modules = List.copyOf(modules);
    }

    /** A run at full speed (no --single-step). */
    public VmConfig(byte[] image, String imageName, ImageFormat format, long loadAddress, Long entry, long memSize,
                    Long stackPointer, int cpu, OutputStream serial, OutputStream debugcon, boolean ignoreMsrs,
                    Duration timeout, long maxTraps, boolean trapRdtsc, Personality personality, String commandLine,
                    List<BootModule> modules, SensitiveMode sensitive, TraceOutput trace, TransportKind transport) {
        this(image, imageName, format, loadAddress, entry, memSize, stackPointer, cpu, serial, debugcon, ignoreMsrs,
                timeout, maxTraps, trapRdtsc, personality, commandLine, modules, sensitive, trace, transport, false);
    }
}
