package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.Register;
import dev.uhv.io.MmioBus;
import dev.uhv.io.PortBus;
import dev.uhv.memory.GuestMemory;
import dev.uhv.paging.PageTableWalker;
import dev.uhv.scan.CodePages;

/**
 * What an emulator may touch: the virtual CPU, guest memory (guest linear == physical here), the
 * port bus and the MMIO bus. A memory access goes to RAM when it lies wholly in RAM the child maps,
 * else to the MMIO device that claims its first byte (so RAM shadows a device registered inside
 * it), else it is the guest's #PF, never a host error.
 */
public final class Machine {
    /** #PF error code bits (SDM Vol. 3A, 4.7): present, write, user, instruction fetch. */
    public static final long PF_PRESENT = 1, PF_WRITE = 1 << 1, PF_USER = 1 << 2, PF_FETCH = 1 << 4;

    private final VirtualCpu cpu;
    private final GuestMemory memory;
    private final PortBus ports;
    private final MmioBus mmio;
    private final boolean ignoreMsrs;
    private final long hostXcr0;
    /** The code scanner's page table, when it runs: emulated accesses hide its patches and keep its scans fresh. */
    private CodePages codePages;
    /** Where emulators note what a trap read and wrote (--trace), else {@link AccessLog#NONE}. */
    private AccessLog accessLog = AccessLog.NONE;
    private long lowestMapped;
    private boolean rdtscTrapped;
    private boolean supervisorAccesses;
    /** Page-table walkers over guest RAM, without and with CR4.PSE: built once, not per CR write. */
    private final PageTableWalker walker, walkerPse;

    /** A machine with an MMIO bus of its own, empty until devices register on {@link #mmio()}. */
    public Machine(VirtualCpu cpu, GuestMemory memory, PortBus ports, boolean ignoreMsrs, long hostXcr0) {
        this(cpu, memory, ports, new MmioBus(), ignoreMsrs, hostXcr0);
    }

    public Machine(VirtualCpu cpu, GuestMemory memory, PortBus ports, MmioBus mmio, boolean ignoreMsrs,
                   long hostXcr0) {
        this.cpu = cpu;
        this.memory = memory;
        this.ports = ports;
        this.mmio = mmio;
        this.ignoreMsrs = ignoreMsrs;
        this.hostXcr0 = hostXcr0;
        walker = new PageTableWalker(memory, false);
        walkerPse = new PageTableWalker(memory, true);
    }

    public VirtualCpu cpu() {
        return cpu;
    }

    public RegisterFile regs() {
        return cpu.regs();
    }

    /** Routes emulated RAM reads and writes past the code scanner's table (or null for none). */
    public void setCodePages(CodePages pages) {
        codePages = pages;
    }

    public GuestMemory memory() {
        return memory;
    }

    /** Where emulators note the values a trap read and wrote: {@link AccessLog#NONE} without --trace. */
    public AccessLog accessLog() {
        return accessLog;
    }

    public void setAccessLog(AccessLog log) {
        accessLog = log;
    }

    /** A walker of the guest's page tables in RAM; pse: CR4.PSE (4 MiB pages in 32-bit paging). */
    public PageTableWalker pageTables(boolean pse) {
        return pse ? walkerPse : walker;
    }

    public PortBus ports() {
        return ports;
    }

    public MmioBus mmio() {
        return mmio;
    }

    /** --ignore-msrs: unknown MSRs read 0 and writes are dropped, as KVM's ignore_msrs. */
    public boolean ignoreMsrs() {
        return ignoreMsrs;
    }

    /** Whether rdtsc/rdtscp fault in the child (and so see the guest's TSC offset). */
    public boolean rdtscTrapped() {
        return rdtscTrapped;
    }

    public void setRdtscTrapped(boolean value) {
        rdtscTrapped = value;
    }

    /**
     * Guest-physical addresses below this are not mapped in the child (vm.mmap_min_addr for a
     * non-root user): emulated accesses there are #PF too, so both views of memory agree.
     */
    public void setLowestMapped(long address) {
        lowestMapped = address;
    }

    /**
     * While set, memory accesses are the CPU's implicit supervisor accesses (IDT, GDT and TSS reads,
     * exception frame pushes): a #PF they raise has U = 0 whatever the CPL (SDM Vol. 3A, 4.6).
     */
    public void setSupervisorAccesses(boolean value) {
        supervisorAccesses = value;
    }

    public long lowestMapped() {
        return lowestMapped;
    }

    /** XCR0 the host runs the child with; the guest can only have a subset of it. */
    public long hostXcr0() {
        return hostXcr0;
    }

    /**
     * The linear address of a memory operand: segment base (FS and GS only, in 64-bit mode) + base +
     * index * scale + displacement, truncated to the address size. rip- and eip-relative operands are
     * relative to the next instruction (SDM Vol. 2A, 2.2.1.6).
     */
    public long effectiveAddress(Operand.Mem m, int instructionLength, int addressWidth) {
        RegisterFile r = regs();
        long ea = m.displacement();
        if (m.base() == Register.RIP || m.base() == Register.EIP) {
            ea += r.rip() + instructionLength;
        } else if (m.base() != Register.NONE) {
            ea += r.get(m.base());
        }
        if (m.index() != Register.NONE) {
            ea += r.get(m.index()) * m.scale();
        }
        return (ea & addressMask(addressWidth)) + segmentBase(m.segment());
    }

    /** The bits an address of that size (16, 32, 64) keeps: effective addresses wrap at it. */
    public static long addressMask(int addressWidth) {
        return addressWidth == 64 ? -1L : (1L << addressWidth) - 1;
    }

    public long segmentBase(Register segment) {
        if (segment == Register.FS) {
            return cpu.msrs().fsBase();
        }
        if (segment == Register.GS) {
            return cpu.msrs().gsBase();
        }
        return 0;
    }

    /** Reads explicit operand i of insn (register, memory or immediate), zero-extended. */
    public long readOperand(DecodedInstruction insn, int i) throws GuestFault {
        Operand op = insn.operand(i);
        if (op instanceof Operand.Reg reg) {
            return regs().get(reg.register());
        }
        if (op instanceof Operand.Mem mem) {
            return read(effectiveAddress(mem, insn.length(), insn.addressWidth()), mem.size() / 8);
        }
        return ((Operand.Imm) op).value();
    }

    /** Writes explicit operand i of insn (a general register or memory), at the operand's size. */
    public void writeOperand(DecodedInstruction insn, int i, long value) throws GuestFault {
        Operand op = insn.operand(i);
        if (op instanceof Operand.Reg reg) {
            regs().set(reg.register(), value);
        } else if (op instanceof Operand.Mem mem) {
            write(effectiveAddress(mem, insn.length(), insn.addressWidth()), mem.size() / 8, value);
        } else {
            throw new IllegalArgumentException("cannot write an immediate operand of " + insn.mnemonicText());
        }
    }

    /** Reads size bytes (1, 2, 4, 8) at address from RAM or an MMIO device, zero-extended. */
    public long read(long address, int size) throws GuestFault {
        if (isMapped(address, size)) {
            long value = memory.read(address, size);
            return codePages == null ? value : codePages.hidePatches(address, size, value);
        }
        if (mmio.claims(address)) {
            long value = mmio.read(address, size);
            accessLog.mmio(address, size, false, value);
            return value;
        }
        throw outside(address, size, 0);
    }

    /** Writes the low size bytes (1, 2, 4, 8) of value at address to RAM or an MMIO device. */
    public void write(long address, int size, long value) throws GuestFault {
        if (isMapped(address, size)) {
            memory.write(address, size, value);
            if (codePages != null) {
                codePages.onEmulatedWrite(address, size);
            }
        } else if (mmio.claims(address)) {
            mmio.write(address, size, value);
            accessLog.mmio(address, size, true, value);
        } else {
            throw outside(address, size, PF_WRITE);
        }
    }

    /**
     * Whether [address, address + size) is guest RAM the child maps (the guest can reach it, and
     * {@link #memory()} holds its bytes). MMIO is not: ask {@link #isDevice}.
     */
    public boolean isMapped(long address, int size) {
        return memory.contains(address, size) && address >= lowestMapped;
    }

    /** Whether an access at address goes to an MMIO device: no RAM there, and a device claims it. */
    public boolean isDevice(long address) {
        return !isMapped(address, 1) && mmio.claims(address);
    }

    private GuestFault outside(long address, int size, long errorCode) {
        if (cpu.cpl() == 3 && !supervisorAccesses) {
            errorCode |= PF_USER;
        }
        return GuestFault.pf(address, errorCode, String.format("%s of %d bytes at 0x%x, outside guest RAM (0x%x..0x%x)",
                (errorCode & PF_WRITE) != 0 ? "write" : "read", size, address, lowestMapped, memory.size()));
    }
}
