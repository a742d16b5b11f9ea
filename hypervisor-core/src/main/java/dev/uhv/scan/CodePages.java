package dev.uhv.scan;

import dev.uhv.memory.GuestMemory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one table of what each guest page is to the child and why (DESIGN.md): every RAM page starts
 * read-write and not executable; its first instruction fetch faults, uhv scans it from there
 * ({@link CodeScanner}), patches its sensitive instructions ({@link PatchSite}) and makes it
 * read-execute. A write to a scanned page then faults: uhv puts the original bytes back and makes it
 * read-write and not executable again, so code a kernel loads or rewrites is scanned again when it
 * next runs. uhv's own emulated writes (through {@link #onEmulatedWrite}) need no fault: they drop
 * the scan only when they touch decoded instruction bytes.
 * <p>
 * What a guest can still observe: its native reads of a patched instruction's first byte give F4
 * (uhv's emulated reads and decoder see the original); the first run of each page and each rescan
 * costs a trap; and code that is only ever reached through an indirect jump into the middle of a
 * page already scanned from elsewhere is scanned when uhv sees it run (a trap there, an interrupt or
 * system-call entry, a far transfer), not before.
 */
public final class CodePages {
    static final int PAGE_SHIFT = 12;
    private static final int READ_WRITE = PageProtector.READ | PageProtector.WRITE;
    private static final int READ_EXECUTE = PageProtector.READ | PageProtector.EXECUTE;
    private static final int READ_WRITE_EXECUTE = READ_WRITE | PageProtector.EXECUTE;

    private final GuestMemory memory;
    private final long ramStart;
    private final long ramEnd;
    private final PageProtector protector;
    private final CodeScanner scanner;
    /**
     * Scanned pages by page number (address >> 12): read-execute in the child; null for every other
     * RAM page, read-write. An array, not a map: the trap path looks pages up without boxing.
     */
    private final ScannedPage[] scanned;
    /** Patches in place now, across all pages. */
    private int activePatches;
    /** A little-endian value's bytes, for {@link #hidePatches(long, int, long)}. */
    private final byte[] valueBytes = new byte[Long.BYTES];
    /** Entry points that direct branches of scanned code give each page: roots of its (re)scans. */
    private final Map<Long, Map<Long, Long>> entries = new HashMap<>();
    /** The page being scanned: the source its branches' entry points are recorded with. */
    private long scanning;
    /** Patches a write took out, kept for the report; a rescan that finds the same one again resumes its count. */
    private final Map<Long, PatchSite> retired = new HashMap<>();
    /** Every page ever scanned, to tell a rescan from a first scan. */
    private final Set<Long> everScanned = new HashSet<>();
    private final List<Long> newEntries = new ArrayList<>();
    private ScanListener listener = ScanListener.NONE;
    private long pagesScanned;
    private long rescans;
    private long invalidations;
    private long scanNanos;

    private static final class ScannedPage {
        final PageCode code;
        final List<PatchSite> patches = new ArrayList<>();

        ScannedPage(long base) {
            code = new PageCode(base);
        }
    }

    /** RAM is [ramStart, ramEnd) in both memory and the child. */
    public CodePages(GuestMemory memory, long ramStart, long ramEnd, PageProtector protector,
                     SensitiveInstructions sensitive) {
        this.memory = memory;
        this.ramStart = ramStart;
        this.ramEnd = ramEnd;
        this.protector = protector;
        this.scanner = new CodeScanner(sensitive, this::originalBytes);
        this.scanned = new ScannedPage[(int) ((ramEnd + CodeScanner.PAGE_SIZE - 1) >>> PAGE_SHIFT)];
    }

    /** The scanned page holding address, or null (not scanned, or not RAM). */
    private ScannedPage scannedPage(long address) {
        return covers(address) ? scanned[(int) (address >>> PAGE_SHIFT)] : null;
    }

    /** Who hears of each scan and each dropped scan (--trace). */
    public void setListener(ScanListener listener) {
        this.listener = listener;
    }

    public SensitiveInstructions sensitive() {
        return scanner.sensitive();
    }

    /** Whether address is guest RAM, whose pages this table manages. */
    public boolean covers(long address) {
        return address >= ramStart && address < ramEnd;
    }

    public static long pageOf(long address) {
        return address & -(1L << PAGE_SHIFT);
    }

    public boolean isScanned(long address) {
        return scannedPage(address) != null;
    }

    /**
     * An instruction fetch faulted on the (not yet scanned) page of faultAddress: scans it from entry
     * (where the guest executes; -1 when unknown) and the entries other code gives it, patches it, and
     * makes it executable.
     */
    public void scanForExecution(long faultAddress, long entry, int bits) {
        long base = pageOf(faultAddress);
        ScannedPage page = new ScannedPage(base);
        List<Long> roots = new ArrayList<>();
        if (entry >= 0 && page.code.contains(entry)) {
            roots.add(entry);
        }
        roots.addAll(entries.getOrDefault(base, Map.of()).keySet());
        scanned[(int) (base >>> PAGE_SHIFT)] = page;
        scan(page, roots, bits);
        pagesScanned++;
        boolean rescan = !everScanned.add(base);
        if (rescan) {
            rescans++;
        }
        listener.scanned(base, rescan, page.code.instructions(), page.patches);
        protector.protect(base, CodeScanner.PAGE_SIZE, READ_EXECUTE);
        scanNewEntries(bits);
    }

    /**
     * The guest is about to run at rip (uhv delivered an interrupt there, emulated a far transfer, or
     * it trapped there): in a scanned page where no instruction was found to start at rip, scans on
     * from it. A rip inside an instruction found before is left alone (overlapping code).
     */
    public void noteEntry(long rip, int bits) {
        scanFrom(rip, bits);
        scanNewEntries(bits);
    }

    private void scanFrom(long rip, int bits) {
        ScannedPage page = scannedPage(rip);
        if (page != null && !page.code.isDecoded(rip)) {
            scan(page, List.of(rip), bits);
        }
    }

    private void scan(ScannedPage page, List<Long> roots, int bits) {
        long start = System.nanoTime();
        List<CodeScanner.Site> found = new ArrayList<>();
        long[] rootArray = roots.stream().mapToLong(Long::longValue).toArray();
        scanning = page.code.base();
        scanner.scan(page.code, rootArray, bits, found, this::branchLeavesPage);
        for (CodeScanner.Site site : found) {
            PatchSite patch = PatchSite.apply(memory, site, retired.remove(site.address()));
            page.patches.add(patch);
            activePatches++;
        }
        scanNanos += System.nanoTime() - start;
    }

    /**
     * A direct branch or fall-through into another page: an entry point of that page, valid while the
     * page it comes from keeps its code (a write that drops that page's scan forgets it).
     */
    private void branchLeavesPage(long target) {
        if (!covers(target)) {
            return;
        }
        if (entries.computeIfAbsent(pageOf(target), p -> new LinkedHashMap<>()).putIfAbsent(target, scanning) == null) {
            newEntries.add(target);
        }
    }

    /** New entry points into pages already scanned (a later page calls into an earlier one): scan them. */
    private void scanNewEntries(int bits) {
        while (!newEntries.isEmpty()) {
            scanFrom(newEntries.remove(newEntries.size() - 1), bits);
        }
    }

    /**
     * The guest's native write faulted on the scanned page of address: puts its original bytes back
     * and makes it read-write and not executable (executable too when writerRunsThere: the writing
     * instruction lies in that page and must run once, alone; {@link #afterStep} then takes execute
     * away).
     */
    public void invalidate(long address, boolean writerRunsThere) {
        long base = pageOf(address);
        drop(base, 0, 0);
        protector.protect(base, CodeScanner.PAGE_SIZE, writerRunsThere ? READ_WRITE_EXECUTE : READ_WRITE);
    }

    /** After the single step of a writer that runs in the page it wrote: no more execution there unscanned. */
    public void afterStep(long address) {
        protector.protect(pageOf(address), CodeScanner.PAGE_SIZE, READ_WRITE);
    }

    /**
     * Forgets the scan of the page at base and puts back the bytes its patches replaced, except in
     * [writtenFrom, writtenTo): bytes uhv has just written there for the guest (an emulated store;
     * empty for a native write), which are the guest's now.
     */
    private void drop(long base, long writtenFrom, long writtenTo) {
        ScannedPage page = scannedPage(base);
        if (page == null) {
            return;
        }
        scanned[(int) (base >>> PAGE_SHIFT)] = null;
        listener.dropped(base, writtenTo > writtenFrom);
        for (Map<Long, Long> into : entries.values()) {
            into.values().removeIf(source -> source == base); // its branches may be gone with its code
        }
        for (PatchSite patch : page.patches) {
            if (patch.address() < writtenFrom || patch.address() >= writtenTo) {
                patch.restore(memory);
            }
            retired.put(patch.address(), patch);
        }
        activePatches -= page.patches.size();
        invalidations++;
    }

    /**
     * uhv wrote [address, address + length) for the guest (an emulated store, an exception frame):
     * a scanned page whose decoded instructions it touched is dropped and made writable and not
     * executable, as after a native write; data bytes beside code keep the scan. The write is already
     * in memory: a patch byte it covered keeps the written byte, the others get their original back.
     */
    public void onEmulatedWrite(long address, int length) {
        for (long base = pageOf(address); base < address + length; base += CodeScanner.PAGE_SIZE) {
            ScannedPage page = scannedPage(base);
            if (page != null && touchesCode(page.code, Math.max(address, base),
                    Math.min(address + length, base + CodeScanner.PAGE_SIZE))) {
                drop(base, address, address + length);
                protector.protect(base, CodeScanner.PAGE_SIZE, READ_WRITE);
            }
        }
    }

    private static boolean touchesCode(PageCode code, long from, long to) {
        for (long a = from; a < to; a++) {
            if (code.isDecoded(a)) {
                return true;
            }
        }
        return false;
    }

    /** The patch at rip, or null. */
    public PatchSite siteAt(long rip) {
        ScannedPage page = activePatches == 0 ? null : scannedPage(rip);
        if (page != null) {
            for (int i = 0; i < page.patches.size(); i++) {
                if (page.patches.get(i).address() == rip) {
                    return page.patches.get(i);
                }
            }
        }
        return null;
    }

    /** Copies the guest's bytes at address into window with every patch undone; returns how many. */
    public int originalBytes(long address, byte[] window) {
        int n = address >= ramStart && address < ramEnd ? memory.readAvailable(address, window) : 0;
        hidePatches(address, window, n);
        return n;
    }

    /** Replaces patch bytes in buf, which holds n guest bytes from address, with the original ones. */
    public void hidePatches(long address, byte[] buf, int n) {
        if (activePatches == 0 || n == 0) {
            return;
        }
        for (long base = pageOf(address); base < address + n; base += CodeScanner.PAGE_SIZE) {
            ScannedPage page = scannedPage(base);
            for (int i = 0; page != null && i < page.patches.size(); i++) {
                PatchSite patch = page.patches.get(i);
                long offset = patch.address() - address;
                if (offset >= 0 && offset < n) {
                    buf[(int) offset] = (byte) patch.originalByte();
                }
            }
        }
    }

    /** value as read from size (at most 8) bytes at address, with any patch byte in it replaced by the original. */
    public long hidePatches(long address, int size, long value) {
        if (activePatches == 0) {
            return value;
        }
        for (int i = 0; i < size; i++) {
            valueBytes[i] = (byte) (value >>> (8 * i));
        }
        hidePatches(address, valueBytes, size);
        long result = 0;
        for (int i = 0; i < size; i++) {
            result |= (valueBytes[i] & 0xffL) << (8 * i);
        }
        return result;
    }

    /** Every patch of the run by address: those in place now, and those a write took out. */
    public List<PatchReport> patches() {
        List<PatchReport> out = new ArrayList<>();
        for (ScannedPage page : scanned) {
            for (PatchSite p : page == null ? List.<PatchSite>of() : page.patches) {
                out.add(new PatchReport(p.address(), p.length(), p.text(), p.traps(), true));
            }
        }
        for (PatchSite p : retired.values()) {
            out.add(new PatchReport(p.address(), p.length(), p.text(), p.traps(), false));
        }
        out.sort(Comparator.comparingLong(PatchReport::address));
        return out;
    }

    public ScanStatistics statistics() {
        return new ScanStatistics(pagesScanned, rescans, invalidations, scanner.instructionsDecoded(),
                scanNanos / 1e9);
    }
}
