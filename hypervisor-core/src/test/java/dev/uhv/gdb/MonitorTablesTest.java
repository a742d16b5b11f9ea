package dev.uhv.gdb;

import dev.uhv.cpu.Msr;
import dev.uhv.cpu.TableRegister;
import dev.uhv.decoder.Register;
import dev.uhv.emulate.InstructionFamily;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The monitor's tables on a machine without a guest. */
class MonitorTablesTest {
    private final GdbTestMachine m = new GdbTestMachine();

    @Test
    void controlRegistersWithTheirBitsByName() {
        String text = MonitorTables.controlRegisters(m.cpu);
        assertTrue(text.contains("CR0  0000000080010033  PG WP NE ET MP PE\n"), text);
        assertTrue(text.contains("CR4  0000000000000220  OSFXSR PAE\n"), text);
        assertTrue(text.contains("EFER 0000000000000d01  NXE LMA LME SCE\n"), text);
        assertTrue(text.endsWith("paging: 4-level\n"), text);
    }

    @Test
    void everyModelledMsrWithItsIndex() throws Exception {
        m.cpu.msrs().write(Msr.LSTAR.index(), 0xffff_ffff_8100_0000L);
        String text = MonitorTables.msrs(m.cpu.msrs());
        assertEquals(Msr.values().length, text.lines().count());
        assertTrue(text.contains("LSTAR              0xc0000082  ffffffff81000000\n"), text);
        assertTrue(text.contains("EFER               0xc0000080  0000000000000d01\n"), text);
    }

    @Test
    void registersWithTheSegmentsTheirSelectorsName() {
        m.regs.setGpr(0, 0x2a);
        m.regs.setRip(0x100079);
        m.cpu.setSelector(Register.DS, 0x10);
        String text = MonitorTables.registers(m.machine);
        assertTrue(text.startsWith("RAX=000000000000002a RBX=0000000000000000"), text);
        assertTrue(text.contains("RIP=0000000000100079"), text);
        assertTrue(text.contains("CPL=0 64-bit code"), text);
        assertTrue(text.contains("DS =0010 0000000000000000 ffffffff data rw DPL0 P\n"), text);
        assertTrue(text.contains("FS =0000 null\n"), text);
    }

    @Test
    void gdtAndIdtDecodedFromGuestMemory() {
        long gdt = 0x5000;
        m.memory.writeU64(gdt + 8, 0x00af_9b00_0000_ffffL); // 64-bit ring-0 code
        m.memory.writeU64(gdt + 16, 0x00cf_9300_0000_ffffL); // ring-0 data
        // A 64-bit available TSS at 0x12345678_9abc0000, limit 0x67: 16 bytes.
        m.memory.writeU64(gdt + 24, 0x9a00_8900_0000_0067L | 0xbcL << 32);
        m.memory.writeU64(gdt + 32, 0x1234_5678L);
        m.cpu.tables().setGdtr(new TableRegister(gdt, 39));
        String text = MonitorTables.gdt(m.cpu, m.machine);
        assertTrue(text.contains("0008  base 0000000000000000  limit ffffffff  code 64-bit r DPL0 P\n"), text);
        assertTrue(text.contains("0010  base 0000000000000000  limit ffffffff  data rw DPL0 P\n"), text);
        assertTrue(text.contains("0018  base 123456789abc0000  limit 00000067  TSS (available) DPL0 P\n"), text);
        assertEquals(4, text.lines().count(), "the TSS's second half is no entry of its own");

        long idt = 0x6000;
        // vector 14: interrupt gate, selector 0x08, offset 0x100123, DPL 0, IST 1
        m.memory.writeU64(idt + 14 * 16, 0x0010_8e01_0008_0123L);
        m.cpu.tables().setIdtr(new TableRegister(idt, 256 * 16 - 1));
        String idtText = MonitorTables.idt(m.cpu, m.machine);
        assertTrue(idtText.contains("0e #PF    interrupt 0008:0000000000100123 DPL0 IST1\n"), idtText);
        assertEquals(2, idtText.lines().count());
    }

    @Test
    void cpuidLeavesAsTheGuestSeesThem() {
        String text = MonitorTables.cpuid(m.cpu);
        assertTrue(text.contains("00000000   0  00000001 756e6547 6c65746e 49656e69\n"), text);
        assertTrue(text.contains("40000000   0"), "uhv's hypervisor leaf: " + text);
        assertTrue(text.contains("80000000   0  80000001"), text);
    }

    @Test
    void trapsMostFirstWithATotal() {
        m.traps.put(InstructionFamily.MSR, 3L);
        m.traps.put(InstructionFamily.PORT_IO, 40L);
        assertEquals("port_io            40\nmsr                3\ntotal              43\n",
                MonitorTables.traps(m.traps));
    }

    @Test
    void theMonitorRunsTheTablesByName() {
        assertTrue(MonitorCommands.run("info cr", m).startsWith("CR0"));
        assertTrue(MonitorCommands.run("  info   traps ", m).contains("total"));
        assertEquals(MonitorCommands.HELP, MonitorCommands.run("help", m));
        assertTrue(MonitorCommands.run("info nothing", m).startsWith("unknown monitor command 'info nothing'"));
    }
}
