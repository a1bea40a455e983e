package org.flipstorm.campaign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.data.Datasets;
import org.flipstorm.zoo.data.FolderDataset;
import org.flipstorm.zoo.data.ImageSet;

/**
 * A campaign's images wherever a Hadoop file system reaches them: {@code images.path} may be local
 * or {@code hdfs:}, {@code s3a:}, ...; a remote directory is copied once per JVM into
 * {@code java.io.tmpdir/flipstorm-images/} (whole, then renamed into place) and read from there.
 * A class-folder dataset ({@code dataset = folder}) is made into the model's input shape and classes.
 */
final class CampaignImages {
    private CampaignImages() {}

    /** Image sets this JVM has loaded: the driver's preparation, its tasks (local mode) and its histograms share one. */
    private static final java.util.concurrent.ConcurrentHashMap<String, ImageSet> LOADED =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The images of {@code src}, loaded once per JVM (decoding CIFAR-10's 10,000 test JPEGs takes
     * about 2.5 s on 2 cores, and a local campaign needed them three times).
     */
    static ImageSet load(CampaignSpec.ImageSource src, FolderDataset.Layout layout, Configuration conf)
            throws IOException, ZooException {
        if (src.dataset().equalsIgnoreCase(FolderDataset.ID) && layout == null) {
            throw new IllegalArgumentException("dataset " + FolderDataset.ID + " needs a model whose card gives a"
                    + " 1- or 3-channel input shape");
        }
        String key = src.dataset() + "|" + src.path() + "|" + src.split() + "|" + layout;
        ImageSet known = LOADED.get(key);
        if (known != null) {
            return known;
        }
        synchronized (LOADED) {
            known = LOADED.get(key);
            if (known == null) {
                Optional<Path> dir = src.path() == null ? Optional.empty() : Optional.of(local(src.path(), conf));
                known = Datasets.load(src.dataset(), src.split().id(), dir, layout);
                LOADED.put(key, known);
            }
            return known;
        }
    }

    /** A local directory holding what {@code location} holds. */
    static synchronized Path local(String location, Configuration conf) throws IOException {
        RemoteCopy copy = RemoteCopy.of(location, "flipstorm-images", "images.path", conf);
        if (copy.local() != null) {
            return copy.local();
        }
        Path target = copy.dir();
        if (Files.isDirectory(target)) {
            return target;
        }
        Path tmp = Files.createDirectories(target.getParent())
                .resolve(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        if (!FileUtil.copy(copy.fs(), copy.remote(), FileSystem.getLocal(conf), new org.apache.hadoop.fs.Path(tmp.toUri()),
                false, conf)) {
            throw new IOException("cannot copy " + location + " to " + tmp);
        }
        try {
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException another) {
            FileUtil.fullyDelete(tmp.toFile()); // another JVM of this machine was first
        }
        return target;
    }
}
