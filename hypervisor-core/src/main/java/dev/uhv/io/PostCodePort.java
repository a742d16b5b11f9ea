package dev.uhv.io;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POST code port 0x80: firmware and kernels write progress codes here (Linux also writes it as an
 * I/O delay). The last byte written is kept for the state dump, as a POST card's display would show
 * it. Reads return all ones, as QEMU's ioport80 does.
 */
public final class PostCodePort implements PortDevice {
    public static final int PORT = 0x80;
    /** {@link #lastCode()} before any write. */
    public static final int NONE = -1;

    private static final Logger log = LoggerFactory.getLogger(PostCodePort.class);

    private int lastCode = NONE;

    /** The last byte written, or {@link #NONE}. */
    public int lastCode() {
        return lastCode;
    }

    @Override
    public int read(int offset, int size) {
        return 0xffff_ffff;
    }

    @Override
    public void write(int offset, int size, int value) {
        lastCode = value & 0xff;
        if (log.isDebugEnabled()) { // Linux writes here as an I/O delay: no string unless it is logged
            log.debug("POST code 0x{}", Integer.toHexString(lastCode));
        }
    }

    @Override
    public String name() {
        return "post-code";
    }
}
