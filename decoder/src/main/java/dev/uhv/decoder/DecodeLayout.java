package dev.uhv.decoder;

import java.util.ArrayList;
import java.util.List;

/**
 * The int64 slots that uhv_decode fills (the layout is documented in native/src/lib/zydis_shim.h,
 * and these constants must match it), and their reading into a {@link DecodedInstruction}.
 */
final class DecodeLayout {

    static final int MNEMONIC = 1;
    static final int LENGTH = 2;
    static final int OPERAND_WIDTH = 3;
    static final int ADDRESS_WIDTH = 4;
    static final int PREFIXES = 5;
    static final int ATTRIBUTES = 6;
    static final int OPERAND_COUNT = 7;
    static final int FIRST_OPERAND = 8;
    static final int MAX_OPERANDS = 5;

    // offsets inside one operand's group of slots
    static final int OPERAND_TYPE = 0;
    static final int OPERAND_SIZE = 1;
    static final int OPERAND_REGISTER = 2;
    static final int OPERAND_BASE = 3;
    static final int OPERAND_INDEX = 4;
    static final int OPERAND_SCALE = 5;
    static final int OPERAND_VALUE = 6;
    static final int OPERAND_SLOTS = 7;

    static final int SLOTS = FIRST_OPERAND + MAX_OPERANDS * OPERAND_SLOTS;

    static final int TYPE_REGISTER = 1;
    static final int TYPE_MEMORY = 2;
    static final int TYPE_POINTER = 3;
    static final int TYPE_IMMEDIATE = 4;

    private DecodeLayout() {
    }

    static DecodedInstruction read(long[] slots) {
        long mnemonic = slots[MNEMONIC];
        return new DecodedInstruction(ZydisNames.mnemonic(mnemonic), ZydisNames.mnemonicText(mnemonic),
                (int) slots[LENGTH], (int) slots[OPERAND_WIDTH], (int) slots[ADDRESS_WIDTH], (int) slots[PREFIXES],
                (int) slots[ATTRIBUTES], operands(slots));
    }

    private static List<Operand> operands(long[] slots) {
        int count = (int) Math.min(slots[OPERAND_COUNT], MAX_OPERANDS);
        List<Operand> operands = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addOperand(slots, FIRST_OPERAND + i * OPERAND_SLOTS, operands);
        }
        return operands;
    }

    private static void addOperand(long[] slots, int at, List<Operand> operands) {
        int size = (int) slots[at + OPERAND_SIZE];
        long value = slots[at + OPERAND_VALUE];
        switch ((int) slots[at + OPERAND_TYPE]) {
            case TYPE_REGISTER -> operands.add(new Operand.Reg(ZydisNames.register(slots[at + OPERAND_REGISTER]), size));
            case TYPE_MEMORY -> operands.add(new Operand.Mem(ZydisNames.register(slots[at + OPERAND_REGISTER]),
                    ZydisNames.register(slots[at + OPERAND_BASE]), ZydisNames.register(slots[at + OPERAND_INDEX]),
                    (int) slots[at + OPERAND_SCALE], value, size));
            case TYPE_IMMEDIATE -> operands.add(new Operand.Imm(value, size));
            case TYPE_POINTER -> operands.add(new Operand.Ptr((int) slots[at + OPERAND_REGISTER], value, size));
            default -> throw new IllegalStateException("uhv_decode returned operand type " + slots[at + OPERAND_TYPE]);
        }
    }
}
