package dev.uhv.decoder;

import java.util.HexFormat;

/** Test bytes written as in a disassembly listing: "0f 22 c0". */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }
}
