package dev.uhv.gdb;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.CpuidModel;
import dev.uhv.cpu.CpuidResult;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.emulate.Machine;
import dev.uhv.io.PortBus;
import dev.uhv.io.apic.LocalApic;
import dev.uhv.memory.GuestMemory;

import java.util.EnumMap;
import java.util.Map;

/**
 * A machine as the run loop builds one, without a guest (heap registers and 1 MiB of RAM, a fixed
 * CPUID host), as a {@link GdbTarget}: a 64-bit kernel's CR0, CR4 and EFER.
 */
final class GdbTestMachine implements GdbTarget {
    static final long CR0 = 0x8001_0033L;
    static final long CR4 = ControlRegisters.CR4_PAE | ControlRegisters.CR4_OSFXSR;
    static final long EFER = MsrFile.EFER_SCE | MsrFile.EFER_LME | MsrFile.EFER_LMA | MsrFile.EFER_NXE;
    static final int RAM_SIZE = 1 << 20;
    /** RAM starts here, as in the child (below is not mapped). */
    static final long LOWEST = 0x1000;

    final RegisterFile regs = RegisterFile.allocate();
    final GuestMemory memory = GuestMemory.allocate(RAM_SIZE);
    final VirtualCpu cpu;
    final Machine machine;
    final Map<InstructionFamily, Long> traps = new EnumMap<>(InstructionFamily.class);

    GdbTestMachine() {
        ControlRegisters cr = new ControlRegisters(CR0, CR4, 48);
        MsrFile msrs = new MsrFile(regs, () -> 0, EFER, 48);
        msrs.attachApic(new LocalApic(48, () -> 0));
        cpu = new VirtualCpu(regs, cr, msrs, new CpuidModel(GdbTestMachine::host), 7);
        machine = new Machine(cpu, memory, new PortBus(), false, 7);
        machine.setLowestMapped(LOWEST);
    }

    /** Basic leaves to 1 ("GenuineIntel"), extended leaves to 0x8000_0001. */
    private static CpuidResult host(int leaf, int subleaf) {
        return switch (leaf) {
            case 0 -> new CpuidResult(1, 0x756e6547, 0x6c65746e, 0x49656e69);
            case 1 -> new CpuidResult(0x000906ea, 0, 0, 0);
            case 0x8000_0000 -> new CpuidResult(0x8000_0001, 0, 0, 0);
            default -> CpuidResult.ZERO;
        };
    }

    @Override
    public Machine machine() {
        return machine;
    }

    @Override
    public Map<InstructionFamily, Long> trapsByFamily() {
        return traps;
    }
}
