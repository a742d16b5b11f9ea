package dev.uhv.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The by-name tables reach every constant uhv names, so a renamed constant cannot go unnoticed. */
class ZydisNamesTest {

    @Test
    void everyRegisterIsReachedFromSomeZydisId() {
        Set<Register> reached = EnumSet.noneOf(Register.class);
        for (int id = 0; id <= ZydisNative.uhv_register_max(); id++) {
            reached.add(ZydisNames.register(id));
        }
        assertEquals(EnumSet.allOf(Register.class), reached);
        assertEquals(Register.NONE, ZydisNames.register(0));
    }

    @Test
    void everyMnemonicIsReachedFromSomeZydisId() {
        Set<Mnemonic> reached = EnumSet.noneOf(Mnemonic.class);
        for (int id = 0; id <= ZydisNative.uhv_mnemonic_max(); id++) {
            reached.add(ZydisNames.mnemonic(id));
        }
        assertEquals(EnumSet.allOf(Mnemonic.class), reached);
    }

    @Test
    void idsOutsideTheTablesAreOther() {
        assertEquals(Register.OTHER, ZydisNames.register(-1));
        assertEquals(Register.OTHER, ZydisNames.register(Integer.MAX_VALUE + 1L));
        assertEquals(Mnemonic.OTHER, ZydisNames.mnemonic(-1));
        assertEquals("invalid", ZydisNames.mnemonicText(-1));
    }

    @Test
    void statusNames() {
        assertEquals("UHV_STATUS_BAD_MODE", ZydisNames.statusName(-1));
        assertEquals("status 0x00000007", ZydisNames.statusName(7));
    }
}
