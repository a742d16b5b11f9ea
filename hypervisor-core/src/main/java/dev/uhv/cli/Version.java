package dev.uhv.cli;

import picocli.CommandLine.IVersionProvider;

/** `uhv --version`: the jar's version and the Java runtime. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"uhv " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Java " + Runtime.version() + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")"};
    }
}
