package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One 8259A, and the PC's cascaded pair, against the datasheet's command words. */
class Pic8259Test {
    private static final int COMMAND = 0, DATA = 1;
    private static final int READ_IRR = 0x0a, READ_ISR = 0x0b, POLL = 0x0c, EOI = 0x20;

    private Pic8259 master;
    private Pic8259 slave;

    @BeforeEach
    void setUp() {
        master = new Pic8259("pic-master", IrqLine.NONE);
        slave = new Pic8259("pic-slave", master.irqLine(Pic8259.CASCADE_IRQ));
    }

    /** The sequence Linux's init_8259A writes to the master. */
    private static void initialise(Pic8259 pic, int vectorBase, int icw3) {
        pic.write(COMMAND, 1, 0x11); // ICW1: edge, cascade, ICW4 needed
        pic.write(DATA, 1, vectorBase);
        pic.write(DATA, 1, icw3);
        pic.write(DATA, 1, 0x01); // ICW4: 8086 mode, normal EOI
    }

    private static int poll(Pic8259 pic) {
        pic.write(COMMAND, 1, POLL);
        return pic.read(COMMAND, 1);
    }

    @Test
    void beforeAnyIcwEverythingIsUnmaskedAndIdleAsInQemu() {
        assertEquals(0, master.read(DATA, 1));
        assertEquals(0, master.read(COMMAND, 1));
        master.write(DATA, 1, 0xa5); // OCW1 works at once
        assertEquals(0xa5, master.read(DATA, 1));
    }

    @Test
    void icwSequenceSetsTheVectorBaseThenOcw1SetsTheMask() {
        master.write(DATA, 1, 0x5a);
        initialise(master, 0x20, 0x04);
        assertEquals(0, master.read(DATA, 1), "ICW1 clears the mask");
        assertEquals(0x20, master.vectorBase());
        master.write(DATA, 1, 0xfb);
        assertEquals(0xfb, master.read(DATA, 1));
    }

    @Test
    void vectorBaseKeepsOnlyBits7To3() {
        initialise(slave, 0x2f, 0x02);
        assertEquals(0x28, slave.vectorBase());
    }

    @Test
    void withoutIc4TheSequenceEndsAfterIcw3() {
        master.write(COMMAND, 1, 0x10);
        master.write(DATA, 1, 0x08);
        master.write(DATA, 1, 0x04); // ICW3
        master.write(DATA, 1, 0x3c); // already OCW1
        assertEquals(0x3c, master.read(DATA, 1));
        assertEquals(0x08, master.vectorBase());
    }

    @Test
    void singleModeSkipsIcw3() {
        master.write(COMMAND, 1, 0x13); // single, ICW4 needed
        master.write(DATA, 1, 0x40);
        master.write(DATA, 1, 0x01); // ICW4
        master.write(DATA, 1, 0x77); // OCW1
        assertEquals(0x77, master.read(DATA, 1));
        assertEquals(0x40, master.vectorBase());
    }

    @Test
    void requestsLatchInIrrEvenWhenMaskedAndOcw3SelectsIrrOrIsr() {
        initialise(master, 0x20, 0x04);
        master.write(DATA, 1, 0xff);
        master.irqLine(3).trigger();
        assertEquals(0x08, master.read(COMMAND, 1), "IRR after ICW1");
        assertEquals(0, poll(master), "masked: nothing to acknowledge");
        master.write(DATA, 1, 0);
        assertEquals(0x83, poll(master));
        master.write(COMMAND, 1, READ_ISR);
        assertEquals(0x08, master.read(COMMAND, 1), "ISR");
        assertEquals(0x08, master.read(COMMAND, 1), "the selection sticks");
        master.write(COMMAND, 1, READ_IRR);
        assertEquals(0, master.read(COMMAND, 1), "the poll took the request out of the IRR");
    }

    @Test
    void nonSpecificEoiClearsTheHighestPriorityInService() {
        initialise(master, 0x20, 0x04);
        master.irqLine(5).trigger();
        assertEquals(0x85, poll(master));
        master.irqLine(1).trigger();
        assertEquals(0x81, poll(master), "IRQ 1 outranks IRQ 5 in service");
        master.write(COMMAND, 1, READ_ISR);
        assertEquals(0x22, master.read(COMMAND, 1));
        master.write(COMMAND, 1, EOI);
        assertEquals(0x20, master.read(COMMAND, 1));
        master.write(COMMAND, 1, 0x60 | 5); // specific EOI for 5
        assertEquals(0, master.read(COMMAND, 1));
    }

    @Test
    void aRequestDoesNotInterruptAHigherOneInService() {
        initialise(master, 0x20, 0x04);
        master.irqLine(2).trigger();
        assertEquals(0x82, poll(master));
        master.irqLine(4).trigger();
        assertEquals(0, poll(master), "IRQ 2 is in service");
        master.write(COMMAND, 1, 0x68); // OCW3: set special mask mode
        master.write(DATA, 1, 0x04); // mask the level in service
        assertEquals(0x84, poll(master), "special mask mode lets the lower level in");
    }

    @Test
    void rotationChangesWhichRequestWins() {
        initialise(master, 0x20, 0x04);
        master.write(COMMAND, 1, 0xc0 | 3); // set priority: IRQ 3 lowest, IRQ 4 highest
        master.irqLine(1).trigger();
        master.irqLine(6).trigger();
        assertEquals(0x86, poll(master));
        master.write(COMMAND, 1, 0xa0); // rotate on non-specific EOI: IRQ 6 becomes lowest
        assertEquals(0x81, poll(master));
        master.write(COMMAND, 1, 0xe0 | 1); // rotate on specific EOI 1
        master.irqLine(1).trigger();
        master.irqLine(2).trigger();
        assertEquals(0x82, poll(master), "IRQ 1 is now the lowest");
    }

    @Test
    void autoEoiLeavesNothingInService() {
        master.write(COMMAND, 1, 0x11);
        master.write(DATA, 1, 0x20);
        master.write(DATA, 1, 0x04);
        master.write(DATA, 1, 0x03); // ICW4: auto EOI
        master.irqLine(0).trigger();
        assertEquals(0x80, poll(master));
        master.write(COMMAND, 1, READ_ISR);
        assertEquals(0, master.read(COMMAND, 1));
    }

    @Test
    void pollOnTheDataPortAlsoAnswers() {
        initialise(master, 0x20, 0x04);
        master.irqLine(7).trigger();
        master.write(COMMAND, 1, POLL);
        assertEquals(0x87, master.read(DATA, 1));
        assertEquals(0, master.read(DATA, 1), "then the mask again");
    }

    @Test
    void theSlavesOutputIsTheMastersIrq2() {
        initialise(master, 0x20, 0x04);
        initialise(slave, 0x28, 0x02);
        slave.write(DATA, 1, 0x02);
        slave.irqLine(1).trigger(); // IRQ 9, masked on the slave
        assertEquals(0, master.read(COMMAND, 1));
        slave.irqLine(4).trigger(); // IRQ 12
        assertEquals(0x04, master.read(COMMAND, 1));
        assertEquals(0x82, poll(master));
        assertEquals(0x84, poll(slave));
    }

    @Test
    void icw1ClearsRequestsAndTheInServiceRegister() {
        initialise(master, 0x20, 0x04);
        master.irqLine(3).trigger();
        poll(master);
        master.irqLine(4).trigger();
        master.write(COMMAND, 1, READ_ISR);
        initialise(master, 0x20, 0x04);
        assertEquals(0, master.read(COMMAND, 1), "IRR (ICW1 also selects it)");
        master.write(COMMAND, 1, READ_ISR);
        assertEquals(0, master.read(COMMAND, 1), "ISR");
    }
}
