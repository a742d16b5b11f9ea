package dev.uhv.io;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class DebugConTest {

    @Test
    void writesOutputTheLowByte() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DebugCon con = new DebugCon(out);

        con.write(0, 1, 'h');
        con.write(0, 4, 0x1234_5669); // only the low byte, 'i', is output
        con.write(0, 1, '\n');

        assertEquals("hi\n", out.toString(US_ASCII));
    }

    @Test
    void readsReturnTheQemuReadbackValue() {
        DebugCon con = new DebugCon(new ByteArrayOutputStream());

        assertEquals(0xe9, con.read(0, 1));
        assertEquals(0xe9, con.read(0, 4));
    }

    @Test
    void flushesOnNewlineAndOnRequest() {
        TestStreams.FlushCounter out = new TestStreams.FlushCounter();
        DebugCon con = new DebugCon(out);

        con.write(0, 1, 'a');
        assertEquals(0, out.flushes);
        con.write(0, 1, '\n');
        assertEquals(1, out.flushes);
        con.flush();
        assertEquals(2, out.flushes);
    }

    @Test
    void hostWriteErrorIsSwallowedAndFurtherOutputDropped() {
        TestStreams.FailingStream out = new TestStreams.FailingStream();
        DebugCon con = new DebugCon(out);

        con.write(0, 1, 'a');
        con.write(0, 1, 'b');
        con.flush();

        assertEquals(1, out.attempts);
    }

    @Test
    void registersAtPortE9() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PortBus bus = new PortBus();
        bus.register(DebugCon.PORT, 1, new DebugCon(out));

        bus.write(0xe9, 1, 'k');
        assertEquals(0xe9, bus.read(0xe9, 1));
        assertEquals("k", out.toString(US_ASCII));
    }
}
