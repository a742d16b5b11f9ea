package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IsaDebugExitTest {

    @Test
    void writeRequestsExitWithQemuStatus() {
        List<Integer> statuses = new ArrayList<>();
        IsaDebugExit dev = new IsaDebugExit(statuses::add);

        dev.write(0, 1, 0);
        dev.write(0, 1, 0x21);
        dev.write(0, 4, 0x10);

        assertEquals(List.of(1, 0x43, 0x21), statuses);
    }

    @Test
    void readsReturnZeroLikeQemu() {
        IsaDebugExit dev = new IsaDebugExit(status -> { });

        assertEquals(0, dev.read(0, 1));
        assertEquals(0, dev.read(3, 4));
    }

    @Test
    void busMasksValueToAccessSizeOnEveryPortOfTheRange() {
        List<Integer> statuses = new ArrayList<>();
        PortBus bus = new PortBus();
        bus.register(IsaDebugExit.PORT, IsaDebugExit.SIZE, new IsaDebugExit(statuses::add));

        bus.write(0xf4, 1, 0x1ff); // out 0xf4, al with al = 0xff
        bus.write(0xf7, 2, 0x1_0003);
        bus.write(0xf8, 1, 5); // just past the device: dropped

        assertEquals(List.of(0x1ff, 7), statuses);
    }
}
