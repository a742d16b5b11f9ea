package dev.uhv.emulate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.SegmentRegister;
import dev.uhv.cpu.TableRegister;
import dev.uhv.decoder.Register;
import org.junit.jupiter.api.Test;

/**
 * LGDT/SGDT and LTR in 32-bit protected mode, where a multiboot kernel runs them before it enters
 * long mode: 6-byte pseudo-descriptors (SDM Vol. 2A, LGDT/LIDT, SGDT) and 8-byte system descriptors
 * (SDM Vol. 3A, 7.2.2).
 */
class DescriptorTables32Test {
    private static final long PSEUDO = 0x5000, GDT = 0x8000, TSS = 0x6000;
    private final TestMachine t = new TestMachine(0);
    private final DescriptorTableEmulator emulator = new DescriptorTableEmulator();

    DescriptorTables32Test() {
        t.cpu.enterCode(0x08, 32, 0);
    }

    private void run(String hex) throws GuestFault {
        assertEquals(Outcome.ADVANCE, emulator.emulate(t.decode32(hex), t.machine));
    }

    @Test
    void lgdtReadsA32BitBaseAndNotTheBytesAfterIt() throws GuestFault {
        t.memory.writeU16(PSEUDO, 0x27);
        t.memory.writeU32(PSEUDO + 2, 0x0010_2000L);
        t.memory.writeU32(PSEUDO + 6, 0xdead_beefL);

        run("0f 01 15 00 50 00 00"); // lgdt [0x5000]

        assertEquals(new TableRegister(0x0010_2000L, 0x27), t.cpu.tables().gdtr());
    }

    @Test
    void lgdtWithA16BitOperandSizeKeeps24BaseBits() throws GuestFault {
        t.memory.writeU16(PSEUDO, 0x27);
        t.memory.writeU32(PSEUDO + 2, 0x7712_3456L);

        run("66 0f 01 15 00 50 00 00"); // o16 lgdt [0x5000]

        assertEquals(new TableRegister(0x12_3456L, 0x27), t.cpu.tables().gdtr());
    }

    @Test
    void sgdtStoresSixBytes() throws GuestFault {
        t.cpu.tables().setGdtr(new TableRegister(0x0010_2000L, 0x27));
        t.memory.writeU16(PSEUDO + 6, 0xaaaa);

        run("0f 01 05 00 50 00 00"); // sgdt [0x5000]

        assertEquals(0x27, t.memory.readU16(PSEUDO));
        assertEquals(0x0010_2000L, t.memory.readU32(PSEUDO + 2));
        assertEquals(0xaaaa, t.memory.readU16(PSEUDO + 6));
    }

    @Test
    void ltrLoadsAnEightByteTssDescriptorAtTheEndOfTheGdt() throws GuestFault {
        Gdt gdt = new Gdt(t.memory, GDT).put(0x08, Gdt.flat(0x9b, Gdt.FLAGS_32))
                .putSystem(0x10, TSS, 0x67, Gdt.TYPE_TSS_AVAILABLE, true, false);
        t.memory.writeU64(gdt.address(0x10) + 8, -1L); // beyond the limit: not part of the descriptor
        gdt.load(t.cpu, 0x17);
        t.regs.set(Register.AX, 0x10);

        run("0f 00 d8"); // ltr ax

        assertEquals(new SegmentRegister(0x10, TSS, 0x67, Gdt.TYPE_TSS_BUSY), t.cpu.tables().tr());
    }
}
