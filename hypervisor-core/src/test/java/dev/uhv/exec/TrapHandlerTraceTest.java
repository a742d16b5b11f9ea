package dev.uhv.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.CpuidModel;
import dev.uhv.cpu.CpuidResult;
import dev.uhv.cpu.Msr;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.emulate.AccessLog;
import dev.uhv.emulate.EmulatorTable;
import dev.uhv.emulate.Machine;
import dev.uhv.emulate.Outcome;
import dev.uhv.io.DebugCon;
import dev.uhv.io.PortBus;
import dev.uhv.io.RecordingMmioDevice;
import dev.uhv.linux.Signals;
import dev.uhv.memory.GuestMemory;
import dev.uhv.trace.TraceWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the trace says of a trap, without a guest: the trap handler with a trace on, an instruction's
 * bytes at rip in heap RAM, the fault the kernel would report; each test reads the one trap event
 * back and checks the values the emulators noted. No IDT is loaded: an exception ends the run.
 */
class TrapHandlerTraceTest {
    private static final long RIP = 0x1000, BUFFER = 0x8000, DEV = 0xfed0_0000L;
    private static final long EFER = MsrFile.EFER_LME | MsrFile.EFER_LMA | MsrFile.EFER_SCE | MsrFile.EFER_NXE;

    private final RegisterFile regs = RegisterFile.allocate();
    private final GuestMemory memory = GuestMemory.allocate(2 << 20);
    private final VirtualCpu cpu = new VirtualCpu(regs, new ControlRegisters(Vm.INITIAL_CR0, 0, 48),
            new MsrFile(regs, () -> 0, EFER, 48), new CpuidModel((leaf, subleaf) -> new CpuidResult(leaf, 0x11,
                    0x22, 0x33)), 7);
    private final PortBus ports = new PortBus();
    private final ByteArrayOutputStream debugcon = new ByteArrayOutputStream();
    private final Machine machine = new Machine(cpu, memory, ports, false, 7);
    private final TrapHandler handler = new TrapHandler(machine, EmulatorTable.standard(), null);
    private final ByteArrayOutputStream traceBytes = new ByteArrayOutputStream();
    private final TraceWriter trace = new TraceWriter(traceBytes);

    TrapHandlerTraceTest() {
        ports.register(DebugCon.PORT, 1, new DebugCon(debugcon));
        machine.mmio().register(DEV, 0x1000, new RecordingMmioDevice("testdev", 0x1000));
        cpu.enterCode(0x08, 64, 0);
        regs.setRflags(Rflags.FIXED_1 | Rflags.IF);
        handler.setTrace(trace);
    }

    /** Puts hex at rip and reports the #GP a privileged instruction raises at the host's CPL3. */
    private Outcome gp(String hex) {
        return fault(hex, Signals.SIGSEGV, SignalInfo.of(SignalInfo.SI_KERNEL, 0));
    }

    private Outcome fault(String hex, int signal, SignalInfo info) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        memory.write(RIP, bytes, 0, bytes.length);
        regs.setRip(RIP);
        return handler.onFault(signal, info);
    }

    /** The events written so far. */
    private List<JsonNode> events() throws Exception {
        trace.close();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : traceBytes.toString(StandardCharsets.US_ASCII).lines().toList()) {
            events.add(json.readTree(line));
        }
        return events;
    }

    /** The one event written, a trap at RIP. */
    private JsonNode onlyTrap() throws Exception {
        List<JsonNode> events = events();
        assertEquals(1, events.size(), events.toString());
        JsonNode e = events.get(0);
        assertEquals("trap", e.get("event").asText());
        assertEquals(1, e.get("seq").asLong());
        assertEquals("0x1000", e.get("rip").asText());
        return e;
    }

    @Test
    void anOutToAPortCarriesThePortSizeDirectionDeviceAndValue() throws Exception {
        regs.setGpr(RegisterFile.GPR_RAX, 0x1234_5641L);

        assertSame(Outcome.ADVANCE, gp("e6 e9")); // out 0xe9, al

        JsonNode e = onlyTrap();
        assertEquals("out 0xE9, al", e.get("instruction").asText());
        assertEquals("port_io", e.get("family").asText());
        JsonNode io = e.get("io");
        assertEquals("0xe9", io.get("port").asText());
        assertEquals(1, io.get("size").asInt());
        assertEquals("out", io.get("direction").asText());
        assertEquals("debugcon", io.get("device").asText());
        assertEquals(1, io.get("count").asLong());
        assertEquals("[\"0x41\"]", io.get("values").toString());
        assertEquals("advanced", e.get("outcome").asText());
        assertEquals("A", debugcon.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void aLongRepOutsKeepsItsCountAndItsFirstValuesOnly() throws Exception {
        for (int i = 0; i < 100; i++) {
            memory.write(BUFFER + i, 1, i);
        }
        regs.setGpr(RegisterFile.GPR_RDX, DebugCon.PORT);
        regs.setGpr(RegisterFile.GPR_RSI, BUFFER);
        regs.setGpr(RegisterFile.GPR_RCX, 100);

        assertSame(Outcome.ADVANCE, gp("f3 6e")); // rep outsb

        JsonNode io = onlyTrap().get("io");
        assertEquals(100, io.get("count").asLong());
        assertEquals("[\"0x0\",\"0x1\",\"0x2\",\"0x3\",\"0x4\",\"0x5\",\"0x6\",\"0x7\"]", io.get("values").toString());
    }

    @Test
    void anInFromAnUnclaimedPortSaysSo() throws Exception {
        regs.setGpr(RegisterFile.GPR_RDX, 0x2f0);

        assertSame(Outcome.ADVANCE, gp("66 ed")); // in ax, dx

        JsonNode io = onlyTrap().get("io");
        assertEquals("in", io.get("direction").asText());
        assertEquals(2, io.get("size").asInt());
        assertEquals("unclaimed", io.get("device").asText());
        assertEquals("[\"0xffff\"]", io.get("values").toString());
    }

    @Test
    void aWrmsrCarriesTheIndexTheNameAndTheValue() throws Exception {
        regs.setGpr(RegisterFile.GPR_RCX, Msr.LSTAR.index());
        regs.setGpr(RegisterFile.GPR_RDX, 0xffff_ffffL);
        regs.setGpr(RegisterFile.GPR_RAX, 0x8100_0000L);

        assertSame(Outcome.ADVANCE, gp("0f 30"));

        JsonNode e = onlyTrap();
        assertEquals("msr", e.get("family").asText());
        JsonNode msr = e.get("msr");
        assertEquals("0xc0000082", msr.get("index").asText());
        assertEquals("LSTAR", msr.get("name").asText());
        assertEquals("write", msr.get("direction").asText());
        assertEquals("0xffffffff81000000", msr.get("value").asText());
        assertFalse(msr.has("ignored"));
    }

    @Test
    void aRdmsrCarriesTheValueRead() throws Exception {
        cpu.msrs().write(Msr.STAR.index(), 0x0023_0010_0000_0000L);
        regs.setGpr(RegisterFile.GPR_RCX, Msr.STAR.index());

        assertSame(Outcome.ADVANCE, gp("0f 32"));

        JsonNode msr = onlyTrap().get("msr");
        assertEquals("read", msr.get("direction").asText());
        assertEquals("0x23001000000000", msr.get("value").asText());
    }

    @Test
    void aCrWriteCarriesTheOldAndTheNewValue() throws Exception {
        long old = cpu.cr().cr0();
        regs.setGpr(RegisterFile.GPR_RAX, old | ControlRegisters.CR0_AM);

        assertSame(Outcome.ADVANCE, gp("0f 22 c0")); // mov cr0, rax

        JsonNode e = onlyTrap();
        assertEquals("control_register", e.get("family").asText());
        JsonNode reg = e.get("register");
        assertEquals("cr0", reg.get("name").asText());
        assertEquals("write", reg.get("direction").asText());
        assertEquals("0x" + Long.toHexString(old), reg.get("old").asText());
        assertEquals("0x" + Long.toHexString(old | ControlRegisters.CR0_AM), reg.get("new").asText());
    }

    @Test
    void aDrReadCarriesTheValue() throws Exception {
        assertSame(Outcome.ADVANCE, gp("0f 21 f8")); // mov rax, dr7

        JsonNode reg = onlyTrap().get("register");
        assertEquals("dr7", reg.get("name").asText());
        assertEquals("read", reg.get("direction").asText());
        assertEquals("0x400", reg.get("value").asText());
    }

    @Test
    void cpuidCarriesItsLeafAndTheFourRegisters() throws Exception {
        regs.setGpr(RegisterFile.GPR_RAX, 0x4000_0000L);
        regs.setGpr(RegisterFile.GPR_RCX, 0);

        assertSame(Outcome.ADVANCE, gp("0f a2"));

        JsonNode c = onlyTrap().get("cpuid");
        assertEquals("0x40000000", c.get("leaf").asText());
        assertEquals("0x0", c.get("subleaf").asText());
        // "uhvuhvuhvuhv" in ebx, ecx, edx, little endian
        assertEquals("0x75766875", c.get("ebx").asText());
        assertEquals("0x68757668", c.get("ecx").asText());
        assertEquals("0x76687576", c.get("edx").asText());
        assertEquals("0x" + Long.toHexString(regs.gpr(RegisterFile.GPR_RAX)), c.get("eax").asText());
    }

    @Test
    void anMmioStoreCarriesTheAddressValueAndDevice() throws Exception {
        regs.setGpr(RegisterFile.GPR_RBX, DEV + 0x20);
        regs.setGpr(RegisterFile.GPR_RAX, 0xbeef);

        // mov [rbx], eax
        assertSame(Outcome.ADVANCE, fault("89 03", Signals.SIGSEGV, SignalInfo.of(SignalInfo.SEGV_MAPERR, DEV + 0x20)));

        JsonNode e = onlyTrap();
        assertEquals("mmio", e.get("family").asText());
        JsonNode mmio = e.get("mmio");
        assertEquals(1, mmio.get("count").asLong());
        JsonNode access = mmio.get("accesses").get(0);
        assertEquals("0xfed00020", access.get("address").asText());
        assertEquals(4, access.get("size").asInt());
        assertEquals("write", access.get("direction").asText());
        assertEquals("0xbeef", access.get("value").asText());
        assertEquals("testdev", access.get("device").asText());
    }

    @Test
    void aFaultingWrmsrCarriesTheExceptionAndTheStop() throws Exception {
        regs.setGpr(RegisterFile.GPR_RCX, 0x12345);

        Outcome outcome = gp("0f 30");

        assertInstanceOf(Outcome.Stop.class, outcome);
        JsonNode e = onlyTrap();
        assertEquals("msr", e.get("family").asText());
        assertFalse(e.has("msr"), "nothing was written");
        JsonNode x = e.get("exception");
        assertEquals(13, x.get("vector").asInt());
        assertEquals("#GP(0x0)", x.get("name").asText());
        assertFalse(x.get("delivered").asBoolean());
        assertTrue(x.get("detail").asText().contains("0x12345"), x.toString());
        assertEquals("stopped", e.get("outcome").asText());
        assertEquals("unhandled guest exception #GP", e.get("reason").asText());
    }

    @Test
    void theGuestsOwnExceptionIsATrapOfFamilyException() throws Exception {
        Outcome outcome = fault("0f 0b", Signals.SIGILL, SignalInfo.NONE); // ud2

        assertInstanceOf(Outcome.Stop.class, outcome);
        JsonNode e = onlyTrap();
        assertEquals("exception", e.get("family").asText());
        assertEquals("ud2", e.get("instruction").asText());
        assertEquals("#UD", e.get("exception").get("name").asText());
        assertEquals("stopped", e.get("outcome").asText());
    }

    @Test
    void withoutATraceTheMachineNotesNothing() {
        handler.setTrace(null);

        assertSame(AccessLog.NONE, machine.accessLog());
        regs.setGpr(RegisterFile.GPR_RAX, 0x41);
        assertSame(Outcome.ADVANCE, gp("e6 e9"));
        assertEquals(0, traceBytes.size());
    }
}
