package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.cpu.RegisterFile.GPR_RBX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.uhv.cpu.GuestFault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The vkern ABI driven directly: exit, print (any length, up to the end of RAM), exec, the rest. */
class VkernPersonalityTest {
    private static final long SYSCALL_AT = 0x1234;
    private static final long STRING = 0x2000;

    private final TestMachine t = new TestMachine();
    private final FlushingOutput out = new FlushingOutput();
    private final VkernPersonality vkern = new VkernPersonality(out);
    private final Logger logger = (Logger) LoggerFactory.getLogger(VkernPersonality.class);
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

    /** Records what was flushed, so a test sees what reached the host by the time a call returns. */
    private static final class FlushingOutput extends OutputStream {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final ByteArrayOutputStream flushed = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void flush() {
            flushed.writeBytes(pending.toByteArray());
            pending.reset();
        }

        String flushed() {
            return flushed.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @BeforeEach
    void captureWarnings() {
        warnings.start();
        logger.addAppender(warnings);
    }

    @AfterEach
    void releaseWarnings() {
        logger.detachAppender(warnings);
    }

    private Outcome call(long rax, long rbx, boolean is32Bit) throws GuestFault {
        t.setGpr(GPR_RAX, rax);
        t.setGpr(GPR_RBX, rbx);
        Outcome outcome = vkern.serve(t.machine, SYSCALL_AT, is32Bit);
        assertEquals(rax, t.gpr(GPR_RAX), "rax untouched");
        assertEquals(rbx, t.gpr(GPR_RBX), "rbx untouched");
        assertEquals(TestMachine.RIP, t.regs.rip(), "rip is the run loop's to move");
        return outcome;
    }

    private void putString(long address, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        t.memory.write(address, bytes, 0, bytes.length);
        t.memory.writeU8(address + bytes.length, 0);
    }

    private List<String> warningLines() {
        return warnings.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void exitEndsTheRunWithStatusZero() throws GuestFault {
        Outcome.Stop stop = (Outcome.Stop) call(0, 0, false);

        assertEquals(ExitReason.GUEST_EXIT, stop.reason());
        assertEquals("vkern system call 0", stop.detail());
        assertEquals(0, stop.reason().status());
        assertEquals("guest exit", stop.reason().text());
    }

    @Test
    void printWritesTheStringAndFlushesIt() throws GuestFault {
        putString(STRING, "hello from vkern\n");

        assertSame(Outcome.ADVANCE, call(1, STRING, false));

        assertEquals("hello from vkern\n", out.flushed());
    }

    @Test
    void printWithoutANewlineIsFlushedToo() throws GuestFault {
        putString(STRING, "no newline");

        call(1, STRING, false);

        assertEquals("no newline", out.flushed());
    }

    @Test
    void printHasNoLengthLimit() throws GuestFault {
        String line = "abcdefghijklmnopqrstuvwxyz".repeat(700) + "\n"; // 18201 bytes: several copy chunks
        putString(STRING, line);

        call(1, STRING, false);

        assertEquals(line, out.flushed());
    }

    @Test
    void printOfAnEmptyStringWritesNothing() throws GuestFault {
        putString(STRING, "");

        assertSame(Outcome.ADVANCE, call(1, STRING, false));

        assertEquals("", out.flushed());
    }

    @Test
    void printUpToTheLastByteOfRam() throws GuestFault {
        putString(TestMachine.RAM_SIZE - 3, "ok");

        call(1, TestMachine.RAM_SIZE - 3, false);

        assertEquals("ok", out.flushed());
    }

    @Test
    void aStringRunningOffTheEndOfRamIsAPageFaultAndPrintsNothing() {
        long start = TestMachine.RAM_SIZE - 4;
        t.memory.write(start, new byte[] {'a', 'b', 'c', 'd'}, 0, 4);
        t.setGpr(GPR_RAX, 1);
        t.setGpr(GPR_RBX, start);

        GuestFault f = assertThrows(GuestFault.class, () -> vkern.serve(t.machine, SYSCALL_AT, false));

        assertEquals(GuestFault.PF, f.vector());
        assertEquals(TestMachine.RAM_SIZE, f.faultAddress());
        assertEquals(0, f.errorCode() & Machine.PF_WRITE, "a read");
        assertTrue(f.getMessage().startsWith("vkern print of the string at 0x1ffffc: "), f.getMessage());
        assertEquals("", out.flushed());
    }

    @Test
    void aStringOutsideRamIsAPageFaultAtItsAddress() {
        t.setGpr(GPR_RAX, 1);
        t.setGpr(GPR_RBX, 0x7fff_0000_0000L);

        GuestFault f = assertThrows(GuestFault.class, () -> vkern.serve(t.machine, SYSCALL_AT, false));

        assertEquals(GuestFault.PF, f.vector());
        assertEquals(0x7fff_0000_0000L, f.faultAddress());
    }

    @Test
    void thirtyTwoBitCodeUsesEaxAndEbx() throws GuestFault {
        putString(STRING, "from 32-bit code\n");

        assertSame(Outcome.ADVANCE, call(0xdead_beef_0000_0001L, 0xffff_ffff_0000_0000L | STRING, true));

        assertEquals("from 32-bit code\n", out.flushed());
        assertEquals(List.of(), warningLines());
    }

    @Test
    void thirtyTwoBitExitLooksAtEaxOnly() throws GuestFault {
        assertEquals(ExitReason.GUEST_EXIT, ((Outcome.Stop) call(1L << 32, 0, true)).reason());
    }

    @Test
    void sixtyFourBitCodeUsesAllOfRax() throws GuestFault {
        assertSame(Outcome.ADVANCE, call(1L << 32, 0, false));

        assertEquals(List.of("vkern: system call 4294967296 at 0x1234 ignored"), warningLines());
    }

    @Test
    void execIsIgnoredSilently() throws GuestFault {
        assertSame(Outcome.ADVANCE, call(11, STRING, false));

        assertEquals(List.of(), warningLines());
        assertEquals("", out.flushed());
    }

    @Test
    void anyOtherNumberIsIgnoredWithOneWarning() throws GuestFault {
        assertSame(Outcome.ADVANCE, call(99, STRING, false));

        assertEquals(List.of("vkern: system call 99 at 0x1234 ignored"), warningLines());
        assertEquals("", out.flushed());
    }

    @Test
    void aBrokenOutputNeverStopsTheGuest() throws GuestFault {
        VkernPersonality broken = new VkernPersonality(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("broken pipe");
            }
        });
        putString(STRING, "lost\n");
        t.setGpr(GPR_RAX, 1);
        t.setGpr(GPR_RBX, STRING);

        assertSame(Outcome.ADVANCE, broken.serve(t.machine, SYSCALL_AT, false));
        assertSame(Outcome.ADVANCE, broken.serve(t.machine, SYSCALL_AT, false));
    }
}
