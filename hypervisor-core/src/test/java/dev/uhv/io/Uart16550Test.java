package dev.uhv.io;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Uart16550Test {
    private static final int THR = 0;
    private static final int RBR = 0;
    private static final int IER = 1;
    private static final int IIR = 2;
    private static final int FCR = 2;
    private static final int LCR = 3;
    private static final int MCR = 4;
    private static final int LSR = 5;
    private static final int MSR = 6;
    private static final int SCR = 7;

    private ByteArrayOutputStream out;
    private int irqs;
    private Uart16550 uart;

    @BeforeEach
    void setUp() {
        out = new ByteArrayOutputStream();
        irqs = 0;
        uart = new Uart16550(() -> irqs++, out);
    }

    private void writeString(String s) {
        for (char c : s.toCharArray()) {
            uart.write(THR, 1, c);
        }
    }

    @Test
    void transmitsBytesUntranslated() {
        writeString("ok\r\n\n");
        assertEquals("ok\r\n\n", out.toString(US_ASCII));
    }

    @Test
    void lineStatusAlwaysReportsTransmitterEmpty() {
        assertEquals(0x60, uart.read(LSR, 1));
        writeString("x");
        assertEquals(0x60, uart.read(LSR, 1));
    }

    @Test
    void receivedBytesSetDataReadyAndReadInOrder() {
        assertEquals(2, uart.receive(new byte[] {'h', 'i'}));

        assertEquals(0x61, uart.read(LSR, 1));
        assertEquals('h', uart.read(RBR, 1));
        assertEquals('i', uart.read(RBR, 1));
        assertEquals(0x60, uart.read(LSR, 1));
        assertEquals(0, uart.read(RBR, 1));
    }

    @Test
    void receiveFifoIsBoundedAndDropsTheRest() {
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }

        assertEquals(Uart16550.RX_FIFO_SIZE, uart.receive(data));
        assertEquals(0, uart.receive(new byte[] {1}));
        for (int i = 0; i < Uart16550.RX_FIFO_SIZE; i++) {
            assertEquals(i, uart.read(RBR, 1));
        }
        assertEquals(0, uart.read(LSR, 1) & 0x01);
        // space again after draining, and the ring wraps correctly
        assertEquals(3, uart.receive(new byte[] {7, 8, 9}));
        assertEquals(7, uart.read(RBR, 1));
        assertEquals(8, uart.read(RBR, 1));
        assertEquals(9, uart.read(RBR, 1));
    }

    @Test
    void fifoControlResetClearsReceivedData() {
        uart.receive(new byte[] {1, 2});
        uart.write(FCR, 1, 0x03);
        assertEquals(0x60, uart.read(LSR, 1));
    }

    @Test
    void divisorLatchIsVisibleOnlyWithDlab() {
        uart.write(IER, 1, 0x01);
        uart.write(LCR, 1, 0x80);
        assertEquals(12, uart.read(0, 1));
        assertEquals(0, uart.read(1, 1));
        uart.write(0, 1, 0x03);
        uart.write(1, 1, 0x01);
        assertEquals(0x03, uart.read(0, 1));
        assertEquals(0x01, uart.read(1, 1));
        assertEquals("", out.toString(US_ASCII));

        uart.write(LCR, 1, 0x03);
        assertEquals(0x03, uart.read(LCR, 1));
        assertEquals(0x01, uart.read(IER, 1));
    }

    @Test
    void scratchRegisterHoldsAByte() {
        uart.write(SCR, 1, 0x5a);
        assertEquals(0x5a, uart.read(SCR, 1));
        uart.write(SCR, 4, 0x1234_56a5);
        assertEquals(0xa5, uart.read(SCR, 4));
    }

    @Test
    void registersKeepOnlyTheirDefinedBits() {
        uart.write(IER, 1, 0xff);
        uart.write(MCR, 1, 0xff);
        assertEquals(0x0f, uart.read(IER, 1));
        assertEquals(0x1f, uart.read(MCR, 1));
    }

    @Test
    void interruptIdentification() {
        assertEquals(0x01, uart.read(IIR, 1));
        uart.write(FCR, 1, 0x01);
        assertEquals(0xc1, uart.read(IIR, 1));
        uart.write(FCR, 1, 0x00);

        uart.write(IER, 1, 0x02);
        assertEquals(0x02, uart.read(IIR, 1));

        uart.write(IER, 1, 0x03);
        uart.receive(new byte[] {'a'});
        assertEquals(0x04, uart.read(IIR, 1));
        uart.read(RBR, 1);
        assertEquals(0x02, uart.read(IIR, 1));

        uart.write(IER, 1, 0x01);
        assertEquals(0x01, uart.read(IIR, 1));
    }

    @Test
    void interruptLineRaisedForThrEmptyAndReceivedData() {
        writeString("a");
        uart.receive(new byte[] {'b'});
        assertEquals(0, irqs);

        uart.write(IER, 1, 0x02); // enabling THRE with THR empty interrupts at once
        assertEquals(1, irqs);
        writeString("c");
        assertEquals(2, irqs);

        uart.write(IER, 1, 0x01); // data already waiting
        assertEquals(3, irqs);
        uart.receive(new byte[] {'d'});
        assertEquals(4, irqs);
        writeString("e");
        assertEquals(4, irqs);
    }

    @Test
    void loopbackFeedsTransmitterIntoReceiverInsteadOfOutput() {
        uart.write(MCR, 1, 0x10);
        writeString("Z");

        assertEquals("", out.toString(US_ASCII));
        assertEquals(0x61, uart.read(LSR, 1));
        assertEquals('Z', uart.read(RBR, 1));

        uart.write(MCR, 1, 0x00);
        writeString("Y");
        assertEquals("Y", out.toString(US_ASCII));
    }

    @Test
    void modemStatusFollowsModemControlInLoopback() {
        assertEquals(0xb0, uart.read(MSR, 1));
        // Linux's 8250 probe: MCR = LOOP|OUT2|RTS must read back DCD|CTS in the MSR high nibble.
        uart.write(MCR, 1, 0x1a);
        assertEquals(0x90, uart.read(MSR, 1) & 0xf0);
        uart.write(MCR, 1, 0x15);
        assertEquals(0x60, uart.read(MSR, 1));
    }

    @Test
    void outOfRangeOffsetsNeverThrow() {
        assertEquals(0xff, uart.read(8, 1));
        uart.write(9, 1, 0x41);
        uart.write(LSR, 1, 0);
        assertEquals(0x60, uart.read(LSR, 1));
        assertEquals("", out.toString(US_ASCII));
    }

    @Test
    void flushesOnNewline() {
        TestStreams.FlushCounter counter = new TestStreams.FlushCounter();
        Uart16550 u = new Uart16550(IrqLine.NONE, counter);
        u.write(THR, 1, 'a');
        assertEquals(0, counter.flushes);
        u.write(THR, 1, '\n');
        assertEquals(1, counter.flushes);
        u.flush();
        assertEquals(2, counter.flushes);
    }

    @Test
    void hostWriteErrorDropsOutputWithoutThrowing() {
        TestStreams.FailingStream failing = new TestStreams.FailingStream();
        Uart16550 u = new Uart16550(IrqLine.NONE, failing);
        u.write(THR, 1, 'a');
        u.write(THR, 1, '\n');
        u.flush();
        assertEquals(1, failing.attempts);
    }

    @Test
    void pollingDriverOnTheBusAtCom1() {
        PortBus bus = new PortBus();
        bus.register(Uart16550.COM1_BASE, Uart16550.PORT_COUNT, uart);
        // the init sequence the guests use
        bus.write(0x3fb, 1, 0x80);
        bus.write(0x3f8, 1, 0x01);
        bus.write(0x3f9, 1, 0x00);
        bus.write(0x3fb, 1, 0x03);
        bus.write(0x3fa, 1, 0xc7);
        bus.write(0x3fc, 1, 0x0b);
        for (char c : "hi\n".toCharArray()) {
            assertEquals(0x20, bus.read(0x3fd, 1) & 0x20);
            bus.write(0x3f8, 1, c);
        }
        assertEquals("hi\n", out.toString(US_ASCII));
        assertEquals(0xc1, bus.read(0x3fa, 1));
    }
}
