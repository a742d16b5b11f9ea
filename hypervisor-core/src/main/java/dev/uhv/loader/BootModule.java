package dev.uhv.loader;

/**
 * A file the boot loader places in guest RAM next to the kernel (multiboot's modules: an initrd, a
 * program for a microkernel). The CLI has read it already.
 *
 * @param name what the user called the file (--module NAME,ARGS)
 * @param data its bytes
 * @param args the text after the comma, "" without one
 */
public record BootModule(String name, byte[] data, String args) {
}
