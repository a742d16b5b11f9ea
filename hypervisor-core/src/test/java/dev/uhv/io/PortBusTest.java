package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PortBusTest {

    /** Records every access and answers reads with a fixed value. */
    private static final class Recorder implements PortDevice {
        final String name;
        final int readValue;
        final List<String> accesses = new ArrayList<>();

        Recorder(String name, int readValue) {
            this.name = name;
            this.readValue = readValue;
        }

        @Override
        public int read(int offset, int size) {
            accesses.add("r" + offset + "/" + size);
            return readValue;
        }

        @Override
        public void write(int offset, int size, int value) {
            accesses.add("w" + offset + "/" + size + "=" + Integer.toHexString(value));
        }

        @Override
        public String name() {
            return name;
        }
    }

    @Test
    void routesByOffsetFromFirstPort() {
        PortBus bus = new PortBus();
        Recorder a = new Recorder("a", 0x11);
        Recorder b = new Recorder("b", 0x22);
        bus.register(0x3f8, 8, a);
        bus.register(0x400, 2, b);

        assertEquals(0x11, bus.read(0x3fd, 1));
        bus.write(0x3f8, 1, 'x');
        assertEquals(0x22, bus.read(0x401, 1));

        assertEquals(List.of("r5/1", "w0/1=78"), a.accesses);
        assertEquals(List.of("r1/1"), b.accesses);
        assertSame(a, bus.deviceAt(0x3ff));
        assertNull(bus.deviceAt(0x3f7));
    }

    @Test
    void masksReadResultAndWrittenValueToAccessSize() {
        PortBus bus = new PortBus();
        Recorder d = new Recorder("d", 0xcafe_babe);
        bus.register(0x10, 4, d);

        assertEquals(0xbe, bus.read(0x10, 1));
        assertEquals(0xbabe, bus.read(0x10, 2));
        assertEquals(0xcafe_babe, bus.read(0x10, 4));
        bus.write(0x10, 1, 0x1234_5678);
        bus.write(0x10, 2, 0x1234_5678);
        bus.write(0x10, 4, 0x1234_5678);

        assertEquals(List.of("w0/1=78", "w0/2=5678", "w0/4=12345678"),
                d.accesses.subList(3, 6));
    }

    @Test
    void unclaimedPortsReadAllOnesForEverySizeAndDropWrites() {
        PortBus bus = new PortBus();
        Recorder d = new Recorder("d", 0);
        bus.register(0x3f8, 8, d);

        assertEquals(0xff, bus.read(0x2f0, 1));
        assertEquals(0xffff, bus.read(0x2f0, 2));
        assertEquals(0xffff_ffff, bus.read(0x2f0, 4));
        bus.write(0x2f0, 4, 0x1234);
        assertTrue(d.accesses.isEmpty());
    }

    @Test
    void accessStraddlingTheEndOfARangeGoesWholeToTheDeviceAtItsFirstPort() {
        PortBus bus = new PortBus();
        Recorder d = new Recorder("d", 0xaabb_ccdd);
        bus.register(0x3f8, 8, d);

        assertEquals(0xaabb_ccdd, bus.read(0x3ff, 4));
        assertEquals(List.of("r7/4"), d.accesses);
    }

    @Test
    void portNumbersWrapAt16Bits() {
        PortBus bus = new PortBus();
        Recorder d = new Recorder("d", 0x5a);
        bus.register(0xe9, 1, d);

        assertEquals(0x5a, bus.read(0x1_00e9, 1));
    }

    @Test
    void refusesOverlapNamingBothDevices() {
        PortBus bus = new PortBus();
        bus.register(0x3f8, 8, new Recorder("uart", 0));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bus.register(0x3fc, 2, new Recorder("intruder", 0)));
        assertTrue(e.getMessage().contains("uart"), e.getMessage());
        assertTrue(e.getMessage().contains("intruder"), e.getMessage());
        assertTrue(e.getMessage().contains("0x3fc"), e.getMessage());
    }

    @Test
    void refusedRegistrationClaimsNothing() {
        PortBus bus = new PortBus();
        bus.register(0x3ff, 1, new Recorder("one", 0));

        assertThrows(IllegalArgumentException.class, () -> bus.register(0x3f8, 8, new Recorder("two", 0)));
        assertNull(bus.deviceAt(0x3f8));
        assertEquals(0xff, bus.read(0x3f8, 1));
    }

    @Test
    void adjacentRangesDoNotOverlap() {
        PortBus bus = new PortBus();
        Recorder low = new Recorder("low", 1);
        Recorder high = new Recorder("high", 2);
        bus.register(0xf0, 4, low);
        bus.register(0xf4, 4, high);

        assertEquals(1, bus.read(0xf3, 1));
        assertEquals(2, bus.read(0xf4, 1));
    }

    @Test
    void refusesRangesOutsideThePortSpace() {
        PortBus bus = new PortBus();
        Recorder d = new Recorder("d", 0);

        assertThrows(IllegalArgumentException.class, () -> bus.register(0xffff, 2, d));
        assertThrows(IllegalArgumentException.class, () -> bus.register(-1, 1, d));
        assertThrows(IllegalArgumentException.class, () -> bus.register(0x10, 0, d));
        bus.register(0xffff, 1, d);
        assertSame(d, bus.deviceAt(0xffff));
    }

    @Test
    void refusesBadAccessSizes() {
        PortBus bus = new PortBus();

        assertThrows(IllegalArgumentException.class, () -> bus.read(0x80, 3));
        assertThrows(IllegalArgumentException.class, () -> bus.write(0x80, 8, 0));
    }

    @Test
    void logsEachUnclaimedPortOnce() {
        Logger logger = (Logger) LoggerFactory.getLogger(PortBus.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        Level before = logger.getLevel();
        logger.setLevel(Level.INFO); // uhv's default configuration shows WARN and up; -v shows these
        try {
            PortBus bus = new PortBus();
            bus.read(0x80, 1);
            bus.write(0x80, 1, 0);
            bus.read(0x80, 4);
            bus.write(0x81, 1, 0);

            List<String> messages = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(2, messages.size(), messages.toString());
            assertTrue(messages.get(0).contains("0x80"), messages.get(0));
            assertTrue(messages.get(1).contains("0x81"), messages.get(1));
        } finally {
            logger.setLevel(before);
            logger.detachAppender(appender);
        }
    }
}
