package dev.uhv.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.scan.PatchReport;
import dev.uhv.scan.PatchSite;
import dev.uhv.scan.ScanListener;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * --trace: JSON Lines, one event a line, in order, each with seq (from 1) and t (guest seconds since
 * the writer opened). Events: "trap" (an emulated instruction: rip, instruction, family, and patch
 * when it trapped on a patched site), "scan" (a page the code scanner scanned: page, rescan,
 * instructions, patches), "drop" (a scan a write took out: page, by "native write" or "emulated
 * write"), and last "end" (reason, traps, and every patched site with its trap count). Buffered;
 * {@link #close} flushes, on every exit path.
 */
public final class TraceWriter implements ScanListener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;
    private final long start = System.nanoTime();
    private long seq;
    private boolean closed;

    public TraceWriter(OutputStream out) {
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    }

    /** An emulated instruction at rip; patch is the patched site it trapped on, or null. */
    public void trap(long rip, String instruction, InstructionFamily family, PatchSite patch) {
        Map<String, Object> e = event("trap");
        e.put("rip", hex(rip));
        e.put("instruction", instruction);
        e.put("family", family.name().toLowerCase());
        if (patch != null) {
            e.put("patch", true);
        }
        write(e);
    }

    /** An instruction that ran natively under --single-step. */
    public void step(long rip, String instruction) {
        Map<String, Object> e = event("step");
        e.put("rip", hex(rip));
        e.put("instruction", instruction);
        write(e);
    }

    @Override
    public void scanned(long base, boolean rescan, int instructions, List<PatchSite> patches) {
        Map<String, Object> e = event("scan");
        e.put("page", hex(base));
        e.put("rescan", rescan);
        e.put("instructions", instructions);
        List<Map<String, Object>> sites = new ArrayList<>();
        for (PatchSite p : patches) {
            sites.add(site(p.address(), p.length(), p.text()));
        }
        e.put("patches", sites);
        write(e);
    }

    @Override
    public void dropped(long base, boolean emulated) {
        Map<String, Object> e = event("drop");
        e.put("page", hex(base));
        e.put("by", emulated ? "emulated write" : "native write");
        write(e);
    }

    /** The last event: how the run ended and every patched site with its trap count. */
    public void end(String reason, long traps, List<PatchReport> patches) {
        Map<String, Object> e = event("end");
        e.put("reason", reason);
        e.put("traps", traps);
        List<Map<String, Object>> sites = new ArrayList<>();
        for (PatchReport p : patches) {
            Map<String, Object> site = site(p.address(), p.length(), p.instruction());
            site.put("traps", p.traps());
            site.put("active", p.active());
            sites.add(site);
        }
        e.put("patches", sites);
        write(e);
    }

    private static Map<String, Object> site(long address, int length, String instruction) {
        Map<String, Object> site = new LinkedHashMap<>();
        site.put("address", hex(address));
        site.put("length", length);
        site.put("instruction", instruction);
        return site;
    }

    private Map<String, Object> event(String type) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("seq", ++seq);
        e.put("t", (System.nanoTime() - start) / 1e9);
        e.put("event", type);
        return e;
    }

    private void write(Map<String, Object> event) {
        if (closed) {
            return;
        }
        try {
            out.write(JSON.writeValueAsString(event));
            out.write('\n');
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("trace event " + event, e);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the trace", e);
        }
    }

    /** Flushes and closes; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the trace", e);
        }
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
