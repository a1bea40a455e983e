package org.flipstorm.campaign;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Where a once-per-JVM local copy of a file or directory named by a Hadoop location lives. A local
 * location (no scheme, a drive letter, {@code file:}) needs no copy; a remote one ({@code hdfs:},
 * {@code s3a:}, ...) is copied under {@code java.io.tmpdir/<kind>/<stamp>}, the stamp changing
 * with the source's modification time, so a replaced source is copied again.
 *
 * @param local the local path when the location is local, else null
 * @param fs the remote file system (null when local)
 * @param remote the remote path (null when local)
 * @param dir the directory of this source's copy (null when local)
 */
record RemoteCopy(Path local, FileSystem fs, org.apache.hadoop.fs.Path remote, Path dir) {
    /** Resolves {@code location}; a remote one must exist ({@code what} names it in the error). */
    static RemoteCopy of(String location, String kind, String what, Configuration conf) throws IOException {
        URI uri = URI.create(location.replace(" ", "%20"));
        if (uri.getScheme() == null || uri.getScheme().length() == 1) {
            return new RemoteCopy(Path.of(location), null, null, null);
        }
        if (uri.getScheme().equals("file")) {
            return new RemoteCopy(Path.of(uri), null, null, null);
        }
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs = remote.getFileSystem(conf);
        if (!fs.exists(remote)) {
            throw new IOException(what + " " + location + " does not exist");
        }
        String stamp = Long.toHexString(fs.getFileStatus(remote).getModificationTime()) + "-"
                + Integer.toHexString(location.hashCode());
        return new RemoteCopy(null, fs, remote, Path.of(System.getProperty("java.io.tmpdir"), kind, stamp));
    }
}
