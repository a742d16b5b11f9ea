package dev.uhv.gdb;

import dev.uhv.cpu.Msr;
import dev.uhv.cpu.Rflags;
import dev.uhv.decoder.Register;
import dev.uhv.scan.CodePages;
import dev.uhv.scan.PatchSite;
import dev.uhv.scan.SensitiveInstructions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stub's answers, packet by packet, on a machine without a guest. */
class GdbStubTest {
    private final GdbTestMachine m = new GdbTestMachine();
    private final SoftwareBreakpoints breakpoints = new SoftwareBreakpoints();
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final RspConnection connection = new RspConnection(InputStream.nullInputStream(), wire, () -> { });
    private final GdbStub stub = new GdbStub(m, breakpoints, connection);
    private GdbStub.Resume lastResume;

    @BeforeEach
    void noAcks() {
        connection.startNoAckMode();
    }

    /** Sends packet to the stub; returns the packets it answered with (payloads, checksums verified). */
    private List<String> exchange(String packet) throws IOException {
        wire.reset();
        lastResume = stub.handle(packet);
        return packets(wire.toString(StandardCharsets.ISO_8859_1));
    }

    private String ask(String packet) throws IOException {
        List<String> replies = exchange(packet);
        assertEquals(1, replies.size(), () -> "one reply to " + packet + ": " + replies);
        return replies.get(0);
    }

    static List<String> packets(String text) {
        List<String> out = new ArrayList<>();
        int at = 0;
        while ((at = text.indexOf('$', at)) >= 0) {
            int hash = text.indexOf('#', at);
            String body = text.substring(at + 1, hash);
            assertEquals(Integer.parseInt(text.substring(hash + 1, hash + 3), 16), PacketCodec.checksum(body),
                    "checksum of " + body);
            out.add(PacketCodec.unescape(body));
            at = hash + 3;
        }
        return out;
    }

    private static int number(String name) {
        return TargetDescription.X86_64.registers().stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow().number();
    }

    private static long le(String hex) {
        return Hex.littleEndian(hex, 0, hex.length() / 2);
    }

    @Test
    void supportedFeatures() throws IOException {
        String reply = ask("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;xmlRegisters=i386");
        assertTrue(reply.contains("PacketSize=4000"), reply);
        assertTrue(reply.contains("qXfer:features:read+"), reply);
        assertTrue(reply.contains("swbreak+"), reply);
        assertTrue(reply.contains("QStartNoAckMode+"), reply);
    }

    @Test
    void unknownPacketsGetTheEmptyReply() throws IOException {
        assertEquals("", ask("vMustReplyEmpty"));
        assertEquals("", ask("qTStatus"));
        assertEquals("", ask("!"));
        assertEquals("", ask("Z1,1000,1"), "hardware breakpoints are refused");
    }

    @Test
    void gPacketFollowsTheDescription() throws IOException {
        m.regs.setGpr(0, 0x1122334455667788L); // rax
        m.regs.setGpr(3, 0xbbL); // rbx, gdb's second
        m.regs.setRip(0x100010);
        m.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.IF | Rflags.ZF);
        m.cpu.setSelector(Register.SS, 0x10);
        String g = ask("g");
        assertEquals(2 * TargetDescription.X86_64.gPacketBytes(), g.length());
        assertEquals("8877665544332211", g.substring(0, 16));
        assertEquals(0xbb, le(g.substring(16, 32)));
        assertEquals(0x100010, le(g.substring(16 * 16, 17 * 16)), "rip after the 16 GPRs");
        assertEquals(Rflags.FIXED_1 | Rflags.IF | Rflags.ZF, le(g.substring(17 * 16, 17 * 16 + 8)),
                "eflags with the virtual IF, 4 bytes");
        assertEquals(0x10, le(g.substring(17 * 16 + 8 + 8, 17 * 16 + 8 + 16)), "ss, the guest's selector");
    }

    @Test
    void controlRegistersAndEferByNumber() throws IOException {
        assertEquals(GdbTestMachine.CR0, le(ask("p" + Integer.toHexString(number("cr0")))));
        assertEquals(GdbTestMachine.CR4, le(ask("p" + Integer.toHexString(number("cr4")))));
        assertEquals(GdbTestMachine.EFER, le(ask("p" + Integer.toHexString(number("efer")))));
        assertEquals("E22", ask("p" + Integer.toHexString(TargetDescription.X86_64.registers().size())));
    }

    @Test
    void writesGeneralRegistersButNotControlRegisters() throws IOException {
        assertEquals("OK", ask("P0=efbeadde00000000"));
        assertEquals(0xdeadbeefL, m.regs.gpr(0));
        StringBuilder value = new StringBuilder();
        Hex.appendLittleEndian(value, 0, 8);
        assertEquals("E22", ask("P" + Integer.toHexString(number("cr0")) + "=" + value));
        assertEquals(GdbTestMachine.CR0, m.cpu.cr().cr0());
        String g = ask("g");
        String changed = "0100000000000000" + g.substring(16);
        assertEquals("OK", ask("G" + changed));
        assertEquals(1, m.regs.gpr(0));
        assertEquals(GdbTestMachine.CR0, m.cpu.cr().cr0(), "G leaves what gdb may not write");
    }

    @Test
    void readsAndWritesGuestRam() throws IOException {
        m.memory.writeU32(0x2000, 0xdeadbeefL);
        assertEquals("efbeadde", ask("m2000,4"));
        assertEquals("OK", ask("M2000,2:3412"));
        assertEquals(0xdead1234L, m.memory.readU32(0x2000));
        assertEquals("OK", ask("X2004,2:\u0000#"));
        assertEquals(0x2300, m.memory.readU16(0x2004), "X carries binary (the connection undid its escapes)");
        assertEquals("OK", ask("X2004,0:"), "gdb's probe for X");
    }

    @Test
    void memoryOutsideRamIsAnErrorNotAnException() throws IOException {
        assertEquals("E14", ask("m0,4"), "below the lowest mapped page");
        assertEquals("E14", ask("m" + Long.toHexString(GdbTestMachine.RAM_SIZE) + ",4"));
        assertEquals("E14", ask("mffffffffffffff00,10"));
        String tail = Long.toHexString(GdbTestMachine.RAM_SIZE - 2);
        assertEquals(4, ask("m" + tail + ",8").length(), "a read stops at the end of RAM");
        assertEquals("E14", ask("M" + tail + ",4:00000000"));
    }

    @Test
    void breakpointsAreSetAndClearedAndHiddenFromReads() throws IOException {
        m.memory.writeU8(0x3000, 0x55);
        assertEquals("OK", ask("Z0,3000,1"));
        assertTrue(breakpoints.contains(0x3000));
        breakpoints.insert(m.memory); // the guest runs...
        assertEquals(SoftwareBreakpoints.INT3, m.memory.readU8(0x3000));
        breakpoints.lift(m.memory); // ...and stops
        assertEquals("55", ask("m3000,1"));
        assertEquals("OK", ask("z0,3000,1"));
        assertFalse(breakpoints.contains(0x3000));
        assertEquals("E14", ask("Z0,10,1"), "outside RAM");
    }

    @Test
    void readsShowTheCodeScannersPatchedSitesAsTheGuestWroteThem() throws IOException {
        m.memory.write(0x4000, new byte[] {0x0f, (byte) 0xa2, (byte) 0xc3}, 0, 3); // cpuid; ret
        CodePages pages = new CodePages(m.memory, GdbTestMachine.LOWEST, GdbTestMachine.RAM_SIZE, (a, l, p) -> { },
                new SensitiveInstructions(true));
        m.machine.setCodePages(pages);
        pages.scanForExecution(0x4000, 0x4000, 64);
        assertEquals(PatchSite.TRAP_OPCODE, m.memory.readU8(0x4000), "patched in RAM");
        assertEquals("0fa2c3", ask("m4000,3"));
        assertEquals("OK", ask("M4002,1:90"), "gdb writes over code");
        assertFalse(pages.isScanned(0x4000), "the page is scanned again before it runs");
        assertEquals(0x0f, m.memory.readU8(0x4000), "its patch taken out");
    }

    @Test
    void targetXmlComesInChunks() throws IOException {
        String xml = TargetDescription.X86_64.xml();
        StringBuilder got = new StringBuilder();
        String reply;
        do {
            reply = ask("qXfer:features:read:target.xml:" + Integer.toHexString(got.length()) + ",100");
            assertTrue(reply.startsWith("m") || reply.startsWith("l"), reply);
            assertTrue(reply.length() <= 0x101, "at most the length asked for");
            got.append(reply.substring(1));
        } while (reply.startsWith("m"));
        assertEquals(xml, got.toString());
        assertEquals("l", ask("qXfer:features:read:target.xml:" + Integer.toHexString(xml.length()) + ",100"));
        assertEquals("E22", ask("qXfer:features:read:other.xml:0,100"));
    }

    @Test
    void monitorOutputComesInOPacketsThenOk() throws Exception {
        m.cpu.msrs().write(Msr.LSTAR.index(), 0xffff_8000_0010_0000L);
        List<String> replies = exchange("qRcmd," + Hex.text("info msrs"));
        assertEquals("OK", replies.get(replies.size() - 1));
        StringBuilder text = new StringBuilder();
        for (String r : replies.subList(0, replies.size() - 1)) {
            assertTrue(r.startsWith("O"), r);
            text.append(Hex.decodeText(r.substring(1)));
        }
        assertTrue(text.toString().contains("LSTAR              0xc0000082  ffff800000100000"), text.toString());
        List<String> help = exchange("qRcmd," + Hex.text("bogus"));
        assertTrue(Hex.decodeText(help.get(0).substring(1)).startsWith("unknown monitor command 'bogus'"));
    }

    @Test
    void resumeCommandsAndTheStopReplyAfterThem() throws IOException {
        assertEquals("T05thread:01;", ask("?"), "attached: SIGTRAP, as QEMU");
        assertTrue(exchange("c").isEmpty(), "no reply until the guest stops");
        assertEquals(GdbStub.Resume.CONTINUE, lastResume);
        assertTrue(stub.awaitingStop());
        wire.reset();
        stub.stopped(GdbStub.Stop.BREAKPOINT);
        assertEquals(List.of("T05swbreak:;thread:01;"), packets(wire.toString(StandardCharsets.ISO_8859_1)));
        exchange("vCont;s:1");
        assertEquals(GdbStub.Resume.STEP, lastResume);
        wire.reset();
        stub.stopped(GdbStub.Stop.INTERRUPTED);
        assertEquals(List.of("T02thread:01;"), packets(wire.toString(StandardCharsets.ISO_8859_1)));
        assertEquals("T02thread:01;", ask("?"));
        exchange("c100020");
        assertEquals(0x100020, m.regs.rip(), "c ADDR resumes there");
        wire.reset();
        stub.ended("W03");
        assertEquals(List.of("W03"), packets(wire.toString(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void vContAndThreads() throws IOException {
        assertEquals("vCont;c;C;s;S", ask("vCont?"));
        exchange("vCont;c");
        assertEquals(GdbStub.Resume.CONTINUE, lastResume);
        assertEquals("m01", ask("qfThreadInfo"));
        assertEquals("l", ask("qsThreadInfo"));
        assertEquals("QC01", ask("qC"));
        assertEquals("1", ask("qAttached"));
        assertEquals("OK", ask("Hg0"));
    }

    @Test
    void detachAndKill() throws IOException {
        assertEquals("OK", ask("D"));
        assertEquals(GdbStub.Resume.DETACH, lastResume);
        assertTrue(exchange("k").isEmpty());
        assertEquals(GdbStub.Resume.KILL, lastResume);
        assertNull(stub.handle("g"));
    }

    @Test
    void malformedPacketsGetAnError() throws IOException {
        assertEquals("E22", ask("mzz,4"));
        assertEquals("E22", ask("M2000,2:123"));
    }
}
