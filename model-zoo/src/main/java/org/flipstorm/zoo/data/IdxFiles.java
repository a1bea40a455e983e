package org.flipstorm.zoo.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.flipstorm.common.io.AtomicFiles;

/**
 * Reads and writes the idx format of MNIST and Fashion-MNIST (plain or gzip, detected from the
 * content). Only unsigned-byte data is supported, which is what those datasets use.
 */
public final class IdxFiles {
    private static final int UBYTE = 0x08;

    private IdxFiles() {}

    /** An idx array: its dimensions and its bytes in row-major order. */
    public record IdxArray(int[] dims, byte[] data) {}

    /** Reads an idx file of unsigned bytes. */
    public static IdxArray read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(open(file))) {
            int magic;
            try {
                magic = in.readInt();
            } catch (EOFException e) {
                throw new IOException(file + " is empty; expected an idx file", e);
            }
            if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xFF) != UBYTE) {
                throw new IOException(String.format(
                        "%s is not an unsigned-byte idx file (magic 0x%08x, expected 0x0000080N)", file, magic));
            }
            int rank = magic & 0xFF;
            if (rank < 1 || rank > 4) {
                throw new IOException(file + " has idx rank " + rank + "; expected 1 to 4");
            }
            int[] dims = new int[rank];
            long total = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0) {
                    throw new IOException(file + " declares negative dimension " + dims[i]);
                }
                total *= dims[i];
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new IOException(file + " declares " + total + " values; too many for one array");
            }
            byte[] data = new byte[(int) total];
            try {
                in.readFully(data);
            } catch (EOFException e) {
                throw new IOException(file + " is truncated: header declares " + total + " values", e);
            }
            return new IdxArray(dims, data);
        }
    }

    /** Writes an idx file of unsigned bytes, gzip-compressed when the name ends in {@code .gz}. */
    public static void write(Path file, int[] dims, byte[] data) throws IOException {
        long total = 1;
        for (int d : dims) {
            total *= d;
        }
        if (total != data.length) {
            throw new IllegalArgumentException("dims hold " + total + " values but data has " + data.length);
        }
        AtomicFiles.write(file, tmp -> {
            OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp));
            if (file.getFileName().toString().endsWith(".gz")) {
                raw = new GZIPOutputStream(raw);
            }
            try (DataOutputStream out = new DataOutputStream(raw)) {
                out.writeInt((UBYTE << 8) | dims.length);
                for (int d : dims) {
                    out.writeInt(d);
                }
                out.write(data);
            }
        });
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return (b0 == 0x1f && b1 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16)) : in;
    }
}
