package org.flipstorm.campaign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.flipstorm.common.io.AtomicFiles;
import org.flipstorm.inject.RangeProfile;
import org.flipstorm.zoo.store.ModelStore;

/**
 * Model zips wherever a Hadoop file system can reach them ({@code file:}, {@code hdfs:},
 * {@code s3a:}, ...). A local path is used as it is; a remote one is copied once per JVM, with its
 * card and range profile, into {@code java.io.tmpdir/flipstorm-models/} and loaded from there.
 */
final class ModelFiles {
    private ModelFiles() {}

    /** A local path holding the model zip named by {@code location}. */
    static synchronized Path local(String location, Configuration conf) throws IOException {
        RemoteCopy copy = RemoteCopy.of(location, "flipstorm-models", "model", conf);
        if (copy.local() != null) {
            return copy.local();
        }
        FileSystem fs = copy.fs();
        org.apache.hadoop.fs.Path remote = copy.remote();
        Path dir = copy.dir();
        Path zip = dir.resolve(remote.getName());
        if (Files.isRegularFile(zip)) {
            return zip;
        }
        Files.createDirectories(dir);
        // The zip last: its presence above means the card and profile are already there.
        copy(fs, new org.apache.hadoop.fs.Path(remote.getParent(), ModelStore.cardPath(zip).getFileName().toString()),
                ModelStore.cardPath(zip), true);
        copy(fs, new org.apache.hadoop.fs.Path(remote.getParent(), RangeProfile.pathFor(zip).getFileName().toString()),
                RangeProfile.pathFor(zip), false);
        copy(fs, remote, dir.resolve(remote.getName()), true);
        return zip;
    }

    /** Copies a remote file to {@code target} via a temporary file (another task may be reading). */
    private static void copy(FileSystem fs, org.apache.hadoop.fs.Path from, Path target, boolean required)
            throws IOException {
        if (!fs.exists(from)) {
            if (required) {
                throw new IOException(from + " does not exist; a model zip needs its card beside it");
            }
            return;
        }
        AtomicFiles.write(target, tmp -> {
            try (var in = fs.open(from)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
        });
    }
}
