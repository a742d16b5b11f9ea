package dev.uhv.emulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.CpuidModel;
import dev.uhv.cpu.CpuidResult;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.HostCpuid;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Decoder;
import dev.uhv.decoder.MachineMode;
import dev.uhv.decoder.UndecodableException;
import dev.uhv.io.PortBus;
import dev.uhv.io.apic.LocalApic;
import dev.uhv.memory.GuestMemory;

import java.util.HexFormat;

/**
 * A machine as the run loop builds one, without a guest: heap registers and RAM, a TSC the test
 * sets, a CPUID host with fixed leaves, a local APIC, and a recording device on the port bus.
 * Instructions are written as in a disassembly listing ("0f 22 c0") and decoded by the real decoder.
 */
final class TestMachine {
    /** PE, MP, ET, NE, WP, PG: what a 64-bit kernel runs with. */
    static final long CR0 = 0x8001_0033L;
    static final long CR4 = ControlRegisters.CR4_PAE | ControlRegisters.CR4_OSFXSR
            | ControlRegisters.CR4_OSXMMEXCPT | ControlRegisters.CR4_OSXSAVE;
    /** SCE, LME, LMA, NXE. */
    static final long EFER = 0xd01;
    static final int PHYSICAL_ADDRESS_BITS = 48;
    static final int RAM_SIZE = 2 << 20;
    static final long HOST_XCR0 = 0x7;
    /** Where rip points while a test emulates; emulators must leave it there. */
    static final long RIP = 0x1000;
    /** The recording device's ports. */
    static final int DEVICE_PORT = 0x3f0;
    static final int DEVICE_PORTS = 16;

    /** leaf 1 ECX bit 26: XSAVE. */
    static final int LEAF1_ECX_XSAVE = 1 << 26;

    final RegisterFile regs = RegisterFile.allocate();
    final GuestMemory memory = GuestMemory.allocate(RAM_SIZE);
    final RecordingDevice device = new RecordingDevice();
    final PortBus ports = new PortBus();
    final VirtualCpu cpu;
    final Machine machine;
    /** The host TSC the MSR file sees. */
    long hostTsc = 1_000_000;

    private final Decoder decoder = Decoder.forMode(MachineMode.LONG_64);
    private final Decoder decoder32 = Decoder.forMode(MachineMode.LEGACY_32);

    TestMachine() {
        this(false, HOST_XCR0);
    }

    TestMachine(boolean ignoreMsrs, long hostXcr0) {
        this(ignoreMsrs, hostXcr0, EFER, TestMachine::host);
    }

    /** A machine whose EFER starts at efer (0: 32-bit protected mode, outside IA-32e mode). */
    TestMachine(long efer) {
        this(false, HOST_XCR0, efer, TestMachine::host);
    }

    private TestMachine(boolean ignoreMsrs, long hostXcr0, long efer, HostCpuid host) {
        ControlRegisters cr = new ControlRegisters(CR0, CR4, PHYSICAL_ADDRESS_BITS);
        MsrFile msrs = new MsrFile(regs, () -> hostTsc, efer, PHYSICAL_ADDRESS_BITS);
        msrs.attachApic(new LocalApic(PHYSICAL_ADDRESS_BITS, () -> 0));
        cpu = new VirtualCpu(regs, cr, msrs, new CpuidModel(host), hostXcr0);
        ports.register(DEVICE_PORT, DEVICE_PORTS, device);
        machine = new Machine(cpu, memory, ports, ignoreMsrs, hostXcr0);
        regs.setRip(RIP);
    }

    /**
     * A host with basic leaves up to 0xD ("GenuineIntel"), XSAVE in leaf 1, XSAVE state up to PKRU in
     * leaf 0xD, extended leaves to 0x8000_0008.
     */
    private static CpuidResult host(int leaf, int subleaf) {
        return switch (leaf) {
            case 0 -> new CpuidResult(0xd, 0x756e6547, 0x6c65746e, 0x49656e69);
            case 1 -> new CpuidResult(0x000906ea, 0, LEAF1_ECX_XSAVE, 0);
            // XSAVE components x87, SSE, AVX, AVX-512 (opmask, ZMM_Hi256, Hi16_ZMM) and PKRU
            case 0xd -> subleaf == 0 ? new CpuidResult(0x2e7, 0, 0, 0) : CpuidResult.ZERO;
            case 0x8000_0000 -> new CpuidResult(0x8000_0008, 0, 0, 0);
            default -> CpuidResult.ZERO;
        };
    }

    /** The same machine on an "AuthenticAMD" host. */
    static TestMachine amd() {
        return new TestMachine(false, HOST_XCR0, EFER, (leaf, subleaf) -> leaf == 0
                ? new CpuidResult(0xd, 0x68747541, 0x444d4163, 0x69746e65) : host(leaf, subleaf));
    }

    static HostCpuid fixedHost() {
        return TestMachine::host;
    }

    DecodedInstruction decode(String hex) {
        return decode(decoder, hex);
    }

    /** Decodes hex as 32-bit code (compatibility mode or 32-bit protected mode). */
    DecodedInstruction decode32(String hex) {
        return decode(decoder32, hex);
    }

    private static DecodedInstruction decode(Decoder decoder, String hex) {
        byte[] bytes = bytes(hex);
        try {
            DecodedInstruction insn = decoder.decode(bytes, bytes.length);
            assertEquals(bytes.length, insn.length(), "test bytes " + hex + " are exactly one instruction");
            return insn;
        } catch (UndecodableException e) {
            throw new AssertionError("test bytes " + hex + " do not decode", e);
        }
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    /** Decodes hex and runs it through emulator. */
    Outcome run(Emulator emulator, String hex) throws GuestFault {
        return emulator.emulate(decode(hex), machine);
    }

    /** Decodes hex, runs it through emulator and returns the guest fault it must raise. */
    GuestFault fault(Emulator emulator, String hex) {
        DecodedInstruction insn = decode(hex);
        return assertThrows(GuestFault.class, () -> emulator.emulate(insn, machine), hex);
    }

    /** As {@link #fault}, checking the vector. */
    GuestFault fault(Emulator emulator, String hex, int vector) {
        GuestFault f = fault(emulator, hex);
        assertEquals(vector, f.vector(), () -> hex + " raised " + f.mnemonic() + ": " + f.getMessage());
        return f;
    }

    long gpr(int number) {
        return regs.gpr(number);
    }

    void setGpr(int number, long value) {
        regs.setGpr(number, value);
    }
}
