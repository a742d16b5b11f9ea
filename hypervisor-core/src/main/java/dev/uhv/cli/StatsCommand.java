package dev.uhv.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.uhv.trace.StatsTable;
import dev.uhv.trace.TraceFormatException;
import dev.uhv.trace.TraceStats;
import dev.uhv.trace.TraceSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `uhv stats TRACE`: what a --trace file says, as tables or one JSON document. */
@Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sum up a trace written by `uhv run --trace`: traps by family and by instruction, the hottest "
                + "addresses with their instruction, and the MSR, CR and DR writes in order.")
final class StatsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE", description = "A JSON Lines trace from `uhv run --trace TRACE`.")
    Path trace;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
            description = "How many instructions and addresses to list, the most trapped first "
                    + "(default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
            description = "table: aligned text for people (default); json: one JSON document for tools.")
    String format;

    @Override
    public Integer call() throws UserError {
        if (!format.equals("table") && !format.equals("json")) {
            throw new UserError("--format " + format + ": expected table or json");
        }
        if (top < 1) {
            throw new UserError("--top " + top + ": must be at least 1");
        }
        TraceSummary summary = read();
        if (format.equals("json")) {
            try {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(summary));
            } catch (IOException e) {
                throw new IllegalStateException("the stats as JSON", e);
            }
        } else {
            System.out.print(StatsTable.format(summary, trace.toString()));
        }
        System.out.flush();
        return 0;
    }

    private TraceSummary read() throws UserError {
        if (Files.isDirectory(trace)) {
            throw new UserError(trace + ": is a directory, not a trace");
        }
        // Bytes that are not UTF-8 read as U+FFFD instead of failing the read: a binary file is then refused
        // as "not JSON" at its first line, as any other file that is no trace.
        try (Reader in = new InputStreamReader(Files.newInputStream(trace), StandardCharsets.UTF_8)) {
            return TraceStats.read(in, trace.toString(), top);
        } catch (IOException e) {
            throw InputFiles.unreadable(trace.toString(), e);
        } catch (TraceFormatException e) {
            throw new UserError(e.getMessage());
        }
    }
}
