package dev.uhv.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** `uhv stats`'s text form of a {@link TraceSummary}: a header line, notes, then four aligned tables. */
public final class StatsTable {
    private StatsTable() {
    }

    /** The summary of the trace called name, as lines ending in "\n". */
    public static String format(TraceSummary s, String name) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: %d traps%s, %.3f s of guest time, %s%n", name, s.traps(),
                s.steps() > 0 ? ", " + s.steps() + " steps" : "", s.seconds(),
                s.complete() ? "ended: " + s.endReason() : "no end (cut short)"));
        for (String note : s.notes()) {
            out.append("note: ").append(note).append('\n');
        }

        section(out, "Traps by family");
        List<List<String>> rows = new ArrayList<>();
        for (TraceSummary.Count c : s.families()) {
            rows.add(List.of(c.name(), Long.toString(c.count()), percent(c.share())));
        }
        table(out, List.of("family", "traps", "share"), rows, "lrr");

        section(out, String.format("Traps by instruction (%s)", shown(s.instructions().size(),
                s.distinctInstructions())));
        rows = new ArrayList<>();
        for (TraceSummary.Count c : s.instructions()) {
            rows.add(List.of(c.name(), Long.toString(c.count()), percent(c.share())));
        }
        table(out, List.of("instruction", "traps", "share"), rows, "lrr");

        section(out, String.format("Hottest addresses (%s)", shown(s.hottest().size(), s.distinctAddresses())));
        rows = new ArrayList<>();
        for (TraceSummary.HotAddress h : s.hottest()) {
            rows.add(List.of(h.rip(), Long.toString(h.count()), h.instruction()));
        }
        table(out, List.of("rip", "traps", "instruction"), rows, "lrl");

        section(out, String.format("MSR, CR and DR writes in order (%s)", shown(s.writes().size(), s.totalWrites())));
        rows = new ArrayList<>();
        for (TraceSummary.RegisterWrite w : s.writes()) {
            rows.add(List.of(Long.toString(w.seq()), w.rip(), w.register(), w.value(), w.old() == null ? "" : w.old()));
        }
        table(out, List.of("seq", "rip", "register", "value", "old"), rows, "rllll");
        return out.toString();
    }

    private static String shown(long listed, long all) {
        return listed == all ? Long.toString(all) : "top " + listed + " of " + all;
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static void section(StringBuilder out, String title) {
        out.append('\n').append(title).append('\n');
    }

    /**
     * Columns padded to their widest cell, two spaces apart, each aligned as align says ('l' left,
     * 'r' right: numbers). No rows: "(none)".
     */
    private static void table(StringBuilder out, List<String> header, List<List<String>> rows, String align) {
        if (rows.isEmpty()) {
            out.append("  (none)\n");
            return;
        }
        int[] widths = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(' ').append(align.charAt(i) == 'r' ? pad + cell : cell + pad).append(' ');
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
