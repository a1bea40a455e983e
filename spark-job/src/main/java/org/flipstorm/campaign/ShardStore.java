package org.flipstorm.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.flipstorm.common.io.AtomicFiles;
import org.flipstorm.common.schema.TrialColumn;

/**
 * Exactly-once storage of a campaign's trials, one shard at a time, on any Hadoop file system.
 *
 * <p>A task writes its shard's rows as one Parquet file under
 * {@code <campaign>/_staging/<shard>-<uuid>/}, moves it into its partition directory
 * {@code trials/model_id=M/shard-NNNNNN.parquet} (rename with overwrite: a file is either absent or
 * whole), and then creates the commit marker {@code _commits/shard-NNNNNN.json} holding the row
 * count. A shard is done exactly when its marker exists. File names depend only on the shard, so a
 * retried, speculative or resumed attempt replaces the file of an earlier one instead of adding
 * rows: no trial is ever stored twice. The rows are in trial-id order, which keeps each layer's
 * rows together (trial ids number the groups one after another), so {@code layer_name} compresses
 * to a few dictionary runs and a query for one layer skips the pages of the others by their
 * statistics. Up to trial schema 2 a shard was one file per layer, in {@code layer_name=L}
 * directories; writing 72 small files cost a ResNet-20 task about 0.8 s.
 */
public final class ShardStore {
    /** Marker directory inside a campaign directory. */
    public static final String COMMITS_DIR = "_commits";
    /** Staging directory inside a campaign directory. */
    public static final String STAGING_DIR = "_staging";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShardStore() {}

    /**
     * What a committed shard holds.
     *
     * @param shardId shard id
     * @param rows trial rows
     * @param engineSeconds time spent running the trials (model loading included)
     * @param taskSeconds time of the whole task (running + writing + committing)
     * @param groups trials and SDCs per planner group (the adaptive stop reads them); empty in
     *     commits written before they were recorded
     * @param files the Parquet files the shard committed, with their lengths and rows; empty in
     *     commits written before they were recorded (such shards cannot be verified)
     * @param executor the JVM that ran the shard; null in commits written before it was recorded
     * @param taskThreads OpenMP threads the task ran its native work with ({@link TaskThreads}); 0 in
     *     commits written before it was recorded
     * @param layerSeconds of {@code engineSeconds}, the time spent on each layer's faults, by layer
     *     index (the clean pass and model loading excluded); empty in commits written before it was
     *     recorded
     */
    public record Commit(int shardId, long rows, double engineSeconds, double taskSeconds,
                         Map<Integer, RoundSchedule.Count> groups, List<CommittedFile> files,
                         ExecutorReport executor, int taskThreads, Map<Integer, Double> layerSeconds)
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        /** Reads an absent map or list as empty. */
        public Commit {
            groups = groups == null ? Map.of() : Map.copyOf(groups);
            files = files == null ? List.of() : List.copyOf(files);
            layerSeconds = layerSeconds == null ? Map.of() : Map.copyOf(layerSeconds);
        }
    }

    /**
     * A task's engine time: in all (model and images loaded, clean pass, faults), and per layer's faults.
     *
     * @param seconds the whole
     * @param layerSeconds by layer index
     */
    public record EngineTime(double seconds, Map<Integer, Double> layerSeconds) {}

    /**
     * One file of a committed shard.
     *
     * @param path path relative to the campaign directory
     * @param length length in bytes when committed
     * @param rows trial rows in it
     */
    public record CommittedFile(String path, long length, long rows) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The committed shards whose files are all still there, whole: every file a marker lists must
     * exist with the length it was committed with. A shard that fails the check, or whose marker
     * cannot be read, is left out (so it runs again, replacing its files) and reported on
     * {@code out}, one line each.
     */
    public static Map<Integer, Commit> verified(FileSystem fs, Path campaignDir, java.io.PrintStream out)
            throws IOException {
        Map<Integer, Commit> all = committed(fs, campaignDir, out);
        Map<Integer, Commit> ok = new TreeMap<>();
        for (Commit c : all.values()) {
            String problem = null;
            for (CommittedFile f : c.files()) {
                Path p = new Path(campaignDir, f.path());
                if (!fs.exists(p)) {
                    problem = f.path() + " is missing";
                } else if (fs.getFileStatus(p).getLen() != f.length()) {
                    problem = f.path() + " has " + fs.getFileStatus(p).getLen() + " bytes, not the " + f.length()
                            + " it was committed with";
                }
                if (problem != null) {
                    break;
                }
            }
            if (problem == null) {
                ok.put(c.shardId(), c);
            } else {
                out.printf("shard %d: %s; it will run again%n", c.shardId(), problem);
            }
        }
        return ok;
    }

    private static final java.util.concurrent.ConcurrentHashMap<Map<String, String>, Configuration> CONFS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A Hadoop configuration with the driver's file-system {@code settings}, built once per JVM
     * (a new Configuration parses Hadoop's default resources, which every task would repeat).
     */
    static Configuration configuration(Map<String, String> settings) {
        return CONFS.computeIfAbsent(Map.copyOf(settings), s -> {
            Configuration conf = new Configuration();
            s.forEach(conf::set);
            return conf;
        });
    }

    /** Where the tasks of run {@code runId} stage their files; the run deletes only this directory. */
    static Path stagingDir(Path campaignDir, String runId) {
        return new Path(new Path(campaignDir, STAGING_DIR), runId);
    }

    /** Marker file of shard {@code id}. */
    static Path marker(Path campaignDir, int id) {
        return new Path(new Path(campaignDir, COMMITS_DIR), String.format("shard-%06d.json", id));
    }

    /** The committed shards of a campaign directory, by id (empty if none). */
    public static Map<Integer, Commit> committed(FileSystem fs, Path campaignDir) throws IOException {
        return committed(fs, campaignDir, null);
    }

    /** As {@link #committed(FileSystem, Path)}; an unreadable marker is reported on {@code out} and skipped. */
    private static Map<Integer, Commit> committed(FileSystem fs, Path campaignDir, java.io.PrintStream out)
            throws IOException {
        Path dir = new Path(campaignDir, COMMITS_DIR);
        Map<Integer, Commit> found = new TreeMap<>();
        if (!fs.exists(dir)) {
            return found;
        }
        for (FileStatus f : fs.listStatus(dir)) {
            String n = f.getPath().getName();
            if (!n.startsWith("shard-") || !n.endsWith(".json")) {
                continue;
            }
            try (var in = fs.open(f.getPath())) {
                Commit c = JSON.readValue(in.readAllBytes(), Commit.class);
                found.put(c.shardId(), c);
            } catch (IOException e) {
                if (out == null) {
                    throw new IOException("commit marker " + f.getPath() + " is unreadable: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
                }
                out.printf("commit marker %s is unreadable (%s); its shard will run again%n", f.getPath(),
                        String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
            }
        }
        return found;
    }

    /**
     * Writes and commits one shard's rows (in {@link TrialRows#SCHEMA} order). Returns the commit.
     */
    public static Commit write(Configuration conf, Path campaignDir, String runId, int shardId, List<Row> rows,
                               Map<Integer, RoundSchedule.Count> groups, EngineTime engine,
                               long taskStartNanos, int taskThreads) throws IOException {
        FileSystem fs = campaignDir.getFileSystem(conf);
        Store store = fs instanceof LocalFileSystem ? new LocalStore() : new HadoopStore(fs, conf, campaignDir);
        Path staging = new Path(stagingDir(campaignDir, runId),
                String.format("shard-%06d-%s", shardId, UUID.randomUUID()));
        Map<String, List<Row>> byPartition = new LinkedHashMap<>();
        int model = TrialRows.index(TrialColumn.MODEL_ID);
        for (Row r : rows) {
            byPartition.computeIfAbsent(r.getString(model), k -> new ArrayList<>()).add(r);
        }
        String fileName = String.format("shard-%06d.parquet", shardId);
        try {
            Map<Path, Path> moves = new LinkedHashMap<>();
            Map<Path, Long> rowsOf = new LinkedHashMap<>();
            for (Map.Entry<String, List<Row>> e : byPartition.entrySet()) {
                String partition = TrialColumn.MODEL_ID.id() + "=" + escape(e.getKey());
                Path tmp = new Path(new Path(staging, partition), fileName);
                writeParquet(conf, store.parquetFile(tmp), e.getValue());
                Path target = new Path(new Path(new Path(campaignDir, CampaignLayout.TRIALS_DIR), partition), fileName);
                moves.put(tmp, target);
                rowsOf.put(target, (long) e.getValue().size());
            }
            List<CommittedFile> files = new ArrayList<>();
            String root = campaignDir.toUri().getPath();
            for (Map.Entry<Path, Path> m : moves.entrySet()) {
                store.moveReplacing(m.getKey(), m.getValue());
                String rel = m.getValue().toUri().getPath().substring(root.length()).replaceFirst("^/", "");
                files.add(new CommittedFile(rel, store.length(m.getValue()), rowsOf.get(m.getValue())));
            }
            Commit c = new Commit(shardId, rows.size(), engine.seconds(), (System.nanoTime() - taskStartNanos) / 1e9,
                    groups, files, ExecutorReport.current(), taskThreads, engine.layerSeconds());
            Path markerTmp = new Path(staging, "marker.json");
            store.write(markerTmp, JSON.writeValueAsBytes(c));
            store.moveReplacing(markerTmp, marker(campaignDir, shardId));
            return c;
        } finally {
            store.deleteRecursively(staging);
        }
    }

    /**
     * Writes {@code records} as the one Parquet file {@code target}: to a hidden file beside it,
     * then moved into place atomically, so a reader sees the whole file or none.
     */
    static void writeSingleFile(Configuration conf, Path target, MessageType schema, List<Group> records)
            throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        target = fs.makeQualified(target);
        Store store = fs instanceof LocalFileSystem ? new LocalStore() : new HadoopStore(fs, conf, target.getParent());
        Path tmp = new Path(target.getParent(), "." + target.getName() + "-" + UUID.randomUUID());
        try {
            try (ParquetWriter<Group> w = groupWriter(conf, store.parquetFile(tmp), schema,
                    Map.of(META_WRITER, org.flipstorm.zoo.runtime.Versions.flipstorm()))) {
                for (Group g : records) {
                    w.write(g);
                }
            }
            store.moveReplacing(tmp, target);
        } finally {
            store.deleteRecursively(tmp);
        }
    }

    /**
     * The file operations of a shard commit. Hadoop's local file system sets permissions by
     * running {@code chmod} once per file and directory when its native library is absent (as in
     * the Maven jars), which cost about 40 ms per Parquet file here; local campaign directories
     * therefore go through java.nio, with the same atomic renames.
     */
    private interface Store {
        /** A Parquet output file at {@code p}, its parent directories created. */
        org.apache.parquet.io.OutputFile parquetFile(Path p) throws IOException;

        /** Moves {@code from} onto {@code to} atomically, replacing it, creating its parents. */
        void moveReplacing(Path from, Path to) throws IOException;

        /** Writes {@code bytes} to {@code p}, creating its parents. */
        void write(Path p, byte[] bytes) throws IOException;

        /** Deletes {@code p} and what is below it, if it exists. */
        void deleteRecursively(Path p) throws IOException;

        /** Length of the file {@code p} in bytes. */
        long length(Path p) throws IOException;
    }

    private record HadoopStore(FileSystem fs, Configuration conf, FileContext fc) implements Store {
        HadoopStore(FileSystem fs, Configuration conf, Path campaignDir) throws IOException {
            this(fs, conf, FileContext.getFileContext(campaignDir.toUri(), conf));
        }

        @Override
        public org.apache.parquet.io.OutputFile parquetFile(Path p) throws IOException {
            return org.apache.parquet.hadoop.util.HadoopOutputFile.fromPath(p, conf);
        }

        @Override
        public void moveReplacing(Path from, Path to) throws IOException {
            fs.mkdirs(to.getParent());
            fc.rename(from, to, Options.Rename.OVERWRITE);
        }

        @Override
        public void write(Path p, byte[] bytes) throws IOException {
            try (OutputStream out = fc.create(p,
                    EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE), Options.CreateOpts.createParent())) {
                out.write(bytes);
            }
        }

        @Override
        public void deleteRecursively(Path p) throws IOException {
            fs.delete(p, true);
        }

        @Override
        public long length(Path p) throws IOException {
            return fs.getFileStatus(p).getLen();
        }
    }

    private static final class LocalStore implements Store {
        @Override
        public long length(Path p) throws IOException {
            return java.nio.file.Files.size(local(p));
        }

        private static java.nio.file.Path local(Path p) {
            return java.nio.file.Path.of(p.toUri());
        }

        @Override
        public org.apache.parquet.io.OutputFile parquetFile(Path p) throws IOException {
            java.nio.file.Path file = local(p);
            java.nio.file.Files.createDirectories(file.getParent());
            return new org.apache.parquet.io.LocalOutputFile(file);
        }

        @Override
        public void moveReplacing(Path from, Path to) throws IOException {
            java.nio.file.Path target = local(to);
            java.nio.file.Files.createDirectories(target.getParent());
            AtomicFiles.moveAtomically(local(from), target);
        }

        @Override
        public void write(Path p, byte[] bytes) throws IOException {
            java.nio.file.Path file = local(p);
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.write(file, bytes);
        }

        @Override
        public void deleteRecursively(Path p) throws IOException {
            java.nio.file.Path root = local(p);
            if (!java.nio.file.Files.exists(root)) {
                return;
            }
            try (var walk = java.nio.file.Files.walk(root)) {
                for (java.nio.file.Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
        }
    }

    /** The trial columns written into each file (the partition columns are its directories). */
    private static final List<TrialColumn> COLUMNS = java.util.Arrays.stream(TrialColumn.values())
            .filter(c -> !c.partition()).toList();
    private static final MessageType FILE_SCHEMA = fileSchema();
    /** Position in a trial {@link Row} of each file column. */
    private static final int[] ROW_INDEX = COLUMNS.stream().mapToInt(TrialRows::index).toArray();

    /** Key-value metadata of every trial file: which schema and campaign its rows belong to, and who wrote them. */
    public static final String META_SCHEMA_VERSION = "flipstorm.schema_version";
    /** Key of the campaign id in a trial file's metadata. */
    public static final String META_CAMPAIGN_ID = "flipstorm.campaign_id";
    /** Key of the FlipStorm version in a trial file's metadata. */
    public static final String META_WRITER = "flipstorm.version";

    private static void writeParquet(Configuration conf, org.apache.parquet.io.OutputFile file, List<Row> rows)
            throws IOException {
        SimpleGroupFactory groups = new SimpleGroupFactory(FILE_SCHEMA);
        Map<String, String> meta = Map.of(META_SCHEMA_VERSION, Integer.toString(TrialColumn.SCHEMA_VERSION),
                META_CAMPAIGN_ID, String.valueOf(rows.get(0).get(TrialRows.index(TrialColumn.CAMPAIGN_ID))),
                META_WRITER, org.flipstorm.zoo.runtime.Versions.flipstorm());
        try (ParquetWriter<Group> w = groupWriter(conf, file, FILE_SCHEMA, meta)) {
            for (Row r : rows) {
                Group g = groups.newGroup();
                // Field k of the file schema is COLUMNS.get(k): values go in by position, not by name.
                for (int k = 0; k < COLUMNS.size(); k++) {
                    int i = ROW_INDEX[k];
                    switch (COLUMNS.get(k).type()) {
                        case STRING -> g.add(k, r.getString(i));
                        case LONG -> g.add(k, r.getLong(i));
                        case INT -> g.add(k, r.getInt(i));
                        case FLOAT -> g.add(k, r.getFloat(i));
                        case DOUBLE -> g.add(k, r.getDouble(i));
                        case BOOLEAN -> g.add(k, r.getBoolean(i));
                    }
                }
                w.write(g);
            }
        }
    }

    /** A Snappy-compressed writer of {@code schema} rows to {@code file}, replacing it, with {@code meta} in its footer. */
    private static ParquetWriter<Group> groupWriter(Configuration conf, org.apache.parquet.io.OutputFile file,
                                                    MessageType schema, Map<String, String> meta) throws IOException {
        return ExampleParquetWriter.builder(file).withConf(conf).withType(schema).withExtraMetaData(meta)
                .withCompressionCodec(CompressionCodecName.SNAPPY).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build();
    }

    /** The Parquet schema of a trial file: the trial row without the partition columns. */
    private static MessageType fileSchema() {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (TrialColumn c : COLUMNS) {
            switch (c.type()) {
                case STRING -> b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c.id());
                case LONG -> b.required(PrimitiveTypeName.INT64).named(c.id());
                case INT -> b.required(PrimitiveTypeName.INT32).named(c.id());
                case FLOAT -> b.required(PrimitiveTypeName.FLOAT).named(c.id());
                case DOUBLE -> b.required(PrimitiveTypeName.DOUBLE).named(c.id());
                case BOOLEAN -> b.required(PrimitiveTypeName.BOOLEAN).named(c.id());
            }
        }
        return b.named("trial");
    }

    /** Hive-style partition value escaping (as Spark does): unsafe characters as %XX. */
    static String escape(String value) {
        StringBuilder sb = new StringBuilder();
        for (char ch : value.toCharArray()) {
            if (Character.isLetterOrDigit(ch) && ch < 128 || ch == '-' || ch == '_' || ch == '.') {
                sb.append(ch);
            } else {
                sb.append(URLEncoder.encode(String.valueOf(ch), StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        return sb.toString();
    }
}
