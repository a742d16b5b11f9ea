package dev.uhv.decoder;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Zydis ids to uhv's enums, built once by name so that Zydis's numbering (which changes between
 * Zydis versions) never leaves this package. Initialise only once {@link ZydisNative} has loaded.
 */
final class ZydisNames {

    private static final Register[] REGISTERS = registers();
    private static final String[] MNEMONIC_TEXTS = mnemonicTexts();
    private static final Mnemonic[] MNEMONICS = mnemonics(MNEMONIC_TEXTS);

    private ZydisNames() {
    }

    static Register register(long id) {
        return id >= 0 && id < REGISTERS.length ? REGISTERS[(int) id] : Register.OTHER;
    }

    static Mnemonic mnemonic(long id) {
        return id >= 0 && id < MNEMONICS.length ? MNEMONICS[(int) id] : Mnemonic.OTHER;
    }

    /** Zydis's lower-case mnemonic; the same String instance every time. */
    static String mnemonicText(long id) {
        return id >= 0 && id < MNEMONIC_TEXTS.length ? MNEMONIC_TEXTS[(int) id] : "invalid";
    }

    static String statusName(int status) {
        String name = ZydisNative.uhv_status_name(status);
        return name != null ? name : String.format("status 0x%08x", status);
    }

    private static Register[] registers() {
        Map<String, Register> byName = namesOf(Register.values(), Register.OTHER);
        Register[] table = new Register[ZydisNative.uhv_register_max() + 1];
        for (int id = 0; id < table.length; id++) {
            table[id] = byName.getOrDefault(upper(ZydisNative.uhv_register_name(id)), Register.OTHER);
        }
        return table;
    }

    private static String[] mnemonicTexts() {
        String[] table = new String[ZydisNative.uhv_mnemonic_max() + 1];
        for (int id = 0; id < table.length; id++) {
            String name = ZydisNative.uhv_mnemonic_name(id);
            table[id] = name != null ? name : "invalid";
        }
        return table;
    }

    private static Mnemonic[] mnemonics(String[] texts) {
        Map<String, Mnemonic> byName = namesOf(Mnemonic.values(), Mnemonic.OTHER);
        Mnemonic[] table = new Mnemonic[texts.length];
        for (int id = 0; id < table.length; id++) {
            table[id] = byName.getOrDefault(upper(texts[id]), Mnemonic.OTHER);
        }
        return table;
    }

    // The catch-all constant is left out so that no Zydis name can ever select it by accident.
    private static <E extends Enum<E>> Map<String, E> namesOf(E[] constants, E catchAll) {
        Map<String, E> byName = new HashMap<>();
        for (E constant : constants) {
            if (constant != catchAll) {
                byName.put(constant.name(), constant);
            }
        }
        return byName;
    }

    private static String upper(String zydisName) {
        return zydisName == null ? "" : zydisName.toUpperCase(Locale.ROOT);
    }
}
