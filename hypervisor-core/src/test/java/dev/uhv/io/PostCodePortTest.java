package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PostCodePortTest {

    @Test
    void keepsTheLastByteWrittenAndReadsFloat() {
        PostCodePort port = new PostCodePort();
        assertEquals(PostCodePort.NONE, port.lastCode());
        port.write(0, 1, 0x12);
        port.write(0, 2, 0x3456);
        assertEquals(0x56, port.lastCode());
        assertEquals(0xffff_ffff, port.read(0, 4));
    }
}
