package org.flipstorm.zoo.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Every dataset FlipStorm reads, by id: the idx datasets and CIFAR-10. */
public final class Datasets {
    private Datasets() {}

    /** Ids of all datasets. */
    public static List<String> ids() {
        List<String> ids = new ArrayList<>(Arrays.stream(IdxDataset.values()).map(IdxDataset::id).toList());
        ids.add(Cifar10.ID);
        ids.add(FolderDataset.ID);
        return ids;
    }

    /** Class names of dataset {@code id}, in label order. */
    public static List<String> classNames(String id) {
        if (id.equalsIgnoreCase(FolderDataset.ID)) {
            throw new IllegalArgumentException("the classes of dataset " + FolderDataset.ID + " are its folders:"
                    + " see FolderDataset.classNames");
        }
        if (id.equalsIgnoreCase(Cifar10.ID)) {
            return Cifar10.CLASSES;
        }
        for (IdxDataset d : IdxDataset.values()) {
            if (d.id().equalsIgnoreCase(id)) {
                return d.classNames();
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + id + "'; expected one of " + ids());
    }

    /**
     * Loads split {@code split} of dataset {@code id}; for {@link FolderDataset#ID} the images of the
     * class-folder tree {@code dir}, made into the model's {@code layout}.
     */
    public static ImageSet load(String id, String split, Optional<Path> dir, FolderDataset.Layout layout)
            throws IOException, DatasetNotFoundException {
        if (!id.equalsIgnoreCase(FolderDataset.ID)) {
            return load(id, split, dir);
        }
        if (dir.isEmpty()) {
            throw new IllegalArgumentException("dataset " + FolderDataset.ID + " needs the folder's path"
                    + " (images.path, --data): ROOT/CLASS/*.png");
        }
        return FolderDataset.load(dir.get(), split, layout);
    }

    /** Loads split {@code split} of dataset {@code id}, searching {@code dir} first. */
    public static ImageSet load(String id, String split, Optional<Path> dir) throws IOException, DatasetNotFoundException {
        if (id.equalsIgnoreCase(FolderDataset.ID)) {
            throw new IllegalArgumentException("dataset " + FolderDataset.ID + " takes its image size and classes"
                    + " from a model; this command has none");
        }
        if (id.equalsIgnoreCase(Cifar10.ID)) {
            return Cifar10.load(split, dir);
        }
        for (IdxDataset d : IdxDataset.values()) {
            if (d.id().equalsIgnoreCase(id)) {
                return d.load(split, dir);
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + id + "'; expected one of " + ids());
    }
}
