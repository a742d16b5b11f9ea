package dev.uhv.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uhv.scan.PatchReport;
import dev.uhv.scan.PatchSite;
import dev.uhv.scan.ScanListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * --trace: JSON Lines, one event a line, in order, each with seq (from 1), t (guest time: seconds
 * since {@link #startClock}) and event. Events: "trap" (one trap: the instruction, what it read and wrote, its
 * outcome; see {@link #trap}), "step" (an instruction run natively one at a time), "scan" (a page
 * the code scanner scanned: page, rescan, instructions, patches), "drop" (a scan a write took out:
 * page, by "native write" or "emulated write"), "truncated" (the size limit was reached: later
 * events are dropped), and last "end" (reason, traps, dropped, and every patched site with its trap
 * count). Buffered; {@link #close} flushes, on every exit path.
 *
 * <p>The events before "end" stay within the size limit, "truncated" included; "end" is written
 * whatever the limit, so a file cut by it is still whole JSON Lines that says how it ended. Every
 * character is ASCII (non-ASCII text is escaped), so the limit counts bytes. A trace that cannot be
 * written (a full disk) stops with one warning; the run goes on.
 */
public final class TraceWriter implements ScanListener, AutoCloseable {
    /** --trace-limit's default. */
    public static final long DEFAULT_LIMIT = 64L << 20;
    /** The least limit: room for a few events besides the "truncated" one. */
    public static final long MIN_LIMIT = 1 << 10;
    /** Room kept below the limit for the "truncated" event's line (seq, t, limit and bytes fit in it). */
    private static final int TRUNCATED_ROOM = 160;

    private static final Logger log = LoggerFactory.getLogger(TraceWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper().configure(JsonGenerator.Feature.ESCAPE_NON_ASCII, true);

    private final BufferedWriter out;
    private final long limit;
    /** When t is 0: the writer's opening, then the guest's first instruction ({@link #startClock}). */
    private long start = System.nanoTime();
    private long seq;
    private long bytes;
    private long dropped;
    private boolean truncated;
    private boolean closed;

    /** A writer with the default size limit. */
    public TraceWriter(OutputStream out) {
        this(out, DEFAULT_LIMIT);
    }

    /** limit: bytes for the events before "end", at least {@link #MIN_LIMIT}. */
    public TraceWriter(OutputStream out, long limit) {
        if (limit < MIN_LIMIT) {
            throw new IllegalArgumentException("trace limit " + limit + " is below " + MIN_LIMIT);
        }
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII), 1 << 16);
        this.limit = limit;
    }

    /** Guest time starts now: t counts from here, as the run's summary counts its seconds. */
    public void startClock() {
        start = System.nanoTime();
    }

    /**
     * One trap: rip, instruction (where it decoded), family (the emulating family, "exception" for
     * the guest's own exception, "unhandled" for an instruction nothing emulates), patch (when it
     * trapped on a patched site), what it touched (io, mmio, msr, register, cpuid, table, exception)
     * and outcome (advanced, jumped or delivered with next and cpl, stopped with reason, interrupted).
     */
    public void trap(TrapRecord r) {
        if (!accepting()) {
            return;
        }
        Map<String, Object> e = event("trap");
        e.put("rip", hex(r.rip()));
        if (r.instruction() != null) {
            e.put("instruction", r.instruction());
        }
        e.put("family", family(r));
        if (r.patch()) {
            e.put("patch", true);
        }
        putAccesses(e, r);
        TrapRecord.Result result = r.result();
        e.put("outcome", result.label());
        if (result == TrapRecord.Result.JUMPED || result == TrapRecord.Result.DELIVERED) {
            e.put("next", hex(r.nextRip()));
            e.put("cpl", r.cpl());
        } else if (result == TrapRecord.Result.STOPPED) {
            e.put("reason", r.stopLabel());
        }
        writeLimited(e);
    }

    /** An instruction that ran natively under --single-step. */
    public void step(long rip, String instruction) {
        if (!accepting()) {
            return;
        }
        Map<String, Object> e = event("step");
        e.put("rip", hex(rip));
        e.put("instruction", instruction);
        writeLimited(e);
    }

    @Override
    public void scanned(long base, boolean rescan, int instructions, List<PatchSite> patches) {
        if (!accepting()) {
            return;
        }
        Map<String, Object> e = event("scan");
        e.put("page", hex(base));
        e.put("rescan", rescan);
        e.put("instructions", instructions);
        List<Map<String, Object>> sites = new ArrayList<>();
        for (PatchSite p : patches) {
            sites.add(site(p.address(), p.length(), p.text()));
        }
        e.put("patches", sites);
        writeLimited(e);
    }

    @Override
    public void dropped(long base, boolean emulated) {
        if (!accepting()) {
            return;
        }
        Map<String, Object> e = event("drop");
        e.put("page", hex(base));
        e.put("by", emulated ? "emulated write" : "native write");
        writeLimited(e);
    }

    /**
     * The last event, written past the size limit too: how the run ended, the traps it counted, the
     * events the limit dropped, and every patched site with its trap count.
     */
    public void end(String reason, long traps, List<PatchReport> patches) {
        if (closed) {
            return;
        }
        Map<String, Object> e = event("end");
        e.put("reason", reason);
        e.put("traps", traps);
        e.put("dropped", dropped);
        List<Map<String, Object>> sites = new ArrayList<>();
        for (PatchReport p : patches) {
            Map<String, Object> site = site(p.address(), p.length(), p.instruction());
            site.put("traps", p.traps());
            site.put("active", p.active());
            sites.add(site);
        }
        e.put("patches", sites);
        append(e);
    }

    private static String family(TrapRecord r) {
        if (r.family() != null) {
            return r.family().name().toLowerCase();
        }
        return r.raised() != null ? "exception" : "unhandled";
    }

    private static void putAccesses(Map<String, Object> e, TrapRecord r) {
        TrapRecord.PortIo io = r.portIo();
        if (io != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("port", hex(io.port()));
            m.put("size", io.size());
            m.put("direction", io.in() ? "in" : "out");
            m.put("device", io.device() == null ? "unclaimed" : io.device());
            m.put("count", io.count());
            List<String> values = new ArrayList<>();
            for (long v : io.values()) {
                values.add(hex(v));
            }
            m.put("values", values);
            e.put("io", m);
        }
        if (r.mmioCount() > 0) {
            List<Map<String, Object>> accesses = new ArrayList<>();
            for (TrapRecord.MmioAccess a : r.mmioAccesses()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("address", hex(a.address()));
                m.put("size", a.size());
                m.put("direction", a.write() ? "write" : "read");
                m.put("value", hex(a.value()));
                m.put("device", a.device());
                accesses.add(m);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", r.mmioCount());
            m.put("accesses", accesses);
            e.put("mmio", m);
        }
        TrapRecord.MsrAccess msr = r.msr();
        if (msr != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", hex(msr.index() & 0xffff_ffffL));
            if (msr.name() != null) {
                m.put("name", msr.name());
            }
            m.put("direction", msr.write() ? "write" : "read");
            m.put("value", hex(msr.value()));
            if (msr.ignored()) {
                m.put("ignored", true);
            }
            e.put("msr", m);
        }
        TrapRecord.RegisterAccess reg = r.register();
        if (reg != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", reg.register());
            m.put("direction", reg.write() ? "write" : "read");
            if (reg.write()) {
                m.put("old", hex(reg.old()));
                m.put("new", hex(reg.value()));
            } else {
                m.put("value", hex(reg.value()));
            }
            e.put("register", m);
        }
        TrapRecord.CpuidCall c = r.cpuid();
        if (c != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("leaf", hex(c.leaf() & 0xffff_ffffL));
            m.put("subleaf", hex(c.subleaf() & 0xffff_ffffL));
            m.put("eax", hex(c.eax() & 0xffff_ffffL));
            m.put("ebx", hex(c.ebx() & 0xffff_ffffL));
            m.put("ecx", hex(c.ecx() & 0xffff_ffffL));
            m.put("edx", hex(c.edx() & 0xffff_ffffL));
            e.put("cpuid", m);
        }
        TrapRecord.TableLoad t = r.table();
        if (t != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("register", t.register());
            if (t.selector() >= 0) {
                m.put("selector", hex(t.selector()));
            }
            m.put("base", hex(t.base()));
            m.put("limit", hex(t.limit()));
            e.put("table", m);
        }
        TrapRecord.Raised x = r.raised();
        if (x != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("vector", x.vector());
            m.put("name", x.name());
            if (x.errorCode() >= 0) {
                m.put("errorCode", hex(x.errorCode()));
            }
            if (x.isPageFault()) {
                m.put("cr2", hex(x.faultAddress()));
            }
            m.put("delivered", x.delivered());
            if (x.detail() != null) {
                m.put("detail", x.detail());
            }
            e.put("exception", m);
        }
    }

    private static Map<String, Object> site(long address, int length, String instruction) {
        Map<String, Object> site = new LinkedHashMap<>();
        site.put("address", hex(address));
        site.put("length", length);
        site.put("instruction", instruction);
        return site;
    }

    /** An event of type; its seq is set when it is written (a dropped event takes none). */
    private Map<String, Object> event(String type) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("seq", null);
        e.put("t", (System.nanoTime() - start) / 1e9);
        e.put("event", type);
        return e;
    }

    /** Whether to build an event at all: not once closed, nor past the limit (where it counts as dropped). */
    private boolean accepting() {
        if (closed) {
            return false;
        }
        if (truncated) {
            dropped++;
            return false;
        }
        return true;
    }

    /**
     * Writes e if it fits within the limit; else, once, the "truncated" event in its place (the
     * limit keeps room for it: its line is short).
     */
    private void writeLimited(Map<String, Object> e) {
        String line = line(e);
        if (bytes + line.length() + 1 + TRUNCATED_ROOM > limit) {
            truncated = true;
            dropped++;
            Map<String, Object> t = event("truncated");
            t.put("limit", limit);
            t.put("bytes", bytes);
            append(t);
            return;
        }
        write(line);
    }

    private void append(Map<String, Object> e) {
        write(line(e));
    }

    private String line(Map<String, Object> e) {
        e.put("seq", seq + 1);
        try {
            return JSON.writeValueAsString(e);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException("trace event " + e, x);
        }
    }

    private void write(String line) {
        seq++;
        bytes += line.length() + 1;
        try {
            out.write(line);
            out.write('\n');
        } catch (IOException x) {
            fail(x);
        }
    }

    /** The trace cannot be written (the disk is full, say): warn once and write no more. */
    private void fail(IOException x) {
        log.warn("--trace: cannot write the trace ({}); it stops here", x.getMessage());
        closed = true;
        try {
            out.close();
        } catch (IOException ignored) {
            // already reported: the trace is lost from here on either way
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
        } catch (IOException x) {
            log.warn("--trace: cannot write the trace ({})", x.getMessage());
        }
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
