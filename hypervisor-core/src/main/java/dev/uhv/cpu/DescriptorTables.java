package dev.uhv.cpu;

/** The virtual CPU's GDTR, IDTR, LDTR and TR. */
public final class DescriptorTables {
    private TableRegister gdtr = TableRegister.NONE;
    private TableRegister idtr = TableRegister.NONE;
    private SegmentRegister ldtr = SegmentRegister.NULL;
    private SegmentRegister tr = SegmentRegister.NULL;

    public TableRegister gdtr() {
        return gdtr;
    }

    public void setGdtr(TableRegister value) {
        gdtr = value;
    }

    public TableRegister idtr() {
        return idtr;
    }

    public void setIdtr(TableRegister value) {
        idtr = value;
    }

    public SegmentRegister ldtr() {
        return ldtr;
    }

    public void setLdtr(SegmentRegister value) {
        ldtr = value;
    }

    public SegmentRegister tr() {
        return tr;
    }

    public void setTr(SegmentRegister value) {
        tr = value;
    }
}
