package org.flipstorm.common.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a local file so that readers see either its old content or the whole new one, never a
 * part: the content goes to a hidden temporary file in the same directory, which then replaces the
 * target by an atomic rename. A failure (a full disk, an exception in the body) leaves the target
 * as it was and removes the temporary file.
 */
public final class AtomicFiles {
    /** Writes the content of a file, given its (temporary) path. */
    @FunctionalInterface
    public interface Body {
        /** Writes the whole content to {@code tmp}. */
        void writeTo(Path tmp) throws IOException;
    }

    private AtomicFiles() {}

    /** Replaces {@code target} with what {@code body} writes; creates the directory if needed. */
    public static Path write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            body.writeTo(tmp);
            readableByAll(tmp);
            moveAtomically(tmp, abs);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return abs;
    }

    /** Replaces {@code target} with {@code text} in UTF-8. */
    public static Path writeString(Path target, String text) throws IOException {
        return write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /**
     * Renames {@code from} to {@code to} atomically, replacing {@code to}; where the file system
     * cannot (some network mounts), a plain replacing move.
     */
    public static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Temporary files are created owner-only; a written file gets the usual rw-r--r--. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep its defaults
        }
    }
}
