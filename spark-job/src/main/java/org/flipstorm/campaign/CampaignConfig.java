package org.flipstorm.campaign;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.flipstorm.common.Choice;
import org.flipstorm.inject.DetectorMode;
import org.flipstorm.inject.FaultOp;
import org.flipstorm.inject.NumberFormat;

/**
 * Reads a campaign from HOCON into a {@link CampaignSpec}. Every key lives under {@value #ROOT};
 * the keys and their defaults are those of {@code reference.conf} (in this module's resources),
 * which a config file and its {@code --set} overrides are laid over. A key that file does not
 * list is an error, so a typo never silently falls back to a default.
 */
public final class CampaignConfig {
    /** Block that holds the campaign. */
    public static final String ROOT = "campaign";

    private static final Config REFERENCE = ConfigFactory.defaultReference(CampaignConfig.class.getClassLoader());
    /** Every key of {@code reference.conf}'s campaign block, those without a default included. */
    private static final Set<String> KNOWN = keys(REFERENCE.getObject(ROOT), "");
    /**
     * HOCON skips an {@code include} that finds no file, silently: a misspelt name, or a config
     * shipped to a cluster without the file it includes, would run on the defaults of whatever it
     * lost (seen as a baffling "images.count is missing" at best). Here every include, plain or
     * {@code file(...)}, must find its file, as {@code include required(...)} would.
     */
    private static final ConfigParseOptions STRICT = ConfigParseOptions.defaults()
            .setIncluder(new RequiredIncludes(null));

    private CampaignConfig() {}

    /**
     * Reads {@code file}, with {@code overrides} (HOCON settings such as
     * {@code campaign.trials-per-layer = 100}) taking precedence, over the defaults.
     */
    public static CampaignSpec load(File file, List<String> overrides) {
        return fromConfig(parse(file, overrides));
    }

    /**
     * {@code file} as one HOCON text that needs no other file: its includes inlined, {@code overrides}
     * applied and substitutions resolved, the defaults left out (the reader lays them under it as
     * for any config). It reads as {@code load(file, overrides)} does, and is checked the same way
     * first, so a mistake is found where the config was written. What the cluster submit scripts
     * ship to a driver that runs in a container, where the files it includes are not.
     */
    public static String render(File file, List<String> overrides) {
        Config conf = parse(file, overrides);
        fromConfig(conf);
        Config campaign = ConfigFactory.empty().withValue(ROOT, conf.getValue(ROOT));
        // one comment line, whatever line breaks an override holds
        String header = (file + (overrides.isEmpty() ? "" : " with " + String.join(", ", overrides)))
                .replaceAll("\\s+", " ");
        return "# " + header + ": includes inlined, substitutions resolved (flipstorm config)\n"
                + campaign.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false)
                        .setJson(false));
    }

    /**
     * The values of {@code keys} (e.g. {@code campaign.output}) as a campaign of {@code file} and
     * {@code overrides} would read them, {@code reference.conf}'s defaults included: a string as it
     * is, anything else in concise HOCON. The file is read and checked once. For scripts that need
     * a few settings of a config.
     */
    public static List<String> values(File file, List<String> overrides, List<String> keys) {
        Config conf = parse(file, overrides);
        fromConfig(conf);
        Config all = conf.withFallback(REFERENCE);
        List<String> values = new ArrayList<>();
        for (String key : keys) {
            if (!key.startsWith(ROOT + ".") || !KNOWN.contains(key.substring(ROOT.length() + 1))
                    && !all.hasPathOrNull(key)) {
                throw new IllegalArgumentException("no campaign key " + key + "; known keys: campaign.KEY for KEY in "
                        + new TreeSet<>(KNOWN));
            }
            if (!all.hasPath(key)) {
                throw new IllegalArgumentException(key + " is not set in " + file + " and has no default");
            }
            ConfigValue v = all.getValue(key);
            values.add(v.valueType() == ConfigValueType.STRING ? (String) v.unwrapped()
                    : v.render(ConfigRenderOptions.concise()));
        }
        return values;
    }

    /** {@code file} under {@code overrides}, includes required, resolved. */
    private static Config parse(File file, List<String> overrides) {
        if (file == null || !file.isFile()) {
            throw new IllegalArgumentException("campaign config " + file + " does not exist; expected a HOCON file"
                    + " such as conf/local.conf");
        }
        Config over = ConfigFactory.empty();
        for (String o : overrides) {
            try {
                over = ConfigFactory.parseString(o).withFallback(over);
            } catch (ConfigException e) {
                throw new IllegalArgumentException("--set '" + o + "' is not a HOCON setting; expected key=value such"
                        + " as campaign.seed=7 or 'campaign.layers=[conv1, conv2]'", e);
            }
        }
        try {
            return over.withFallback(ConfigFactory.parseFile(file, STRICT)).resolve();
        } catch (ConfigException.IO e) {
            throw new IllegalArgumentException("campaign config " + file + " includes a file that cannot be read ("
                    + e.getMessage() + "); include \"NAME\" reads NAME beside the file that includes it (include"
                    + " \"local.conf\" in conf/ reads conf/local.conf), include file(\"PATH\") reads PATH as given", e);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("campaign config " + file + " is not valid HOCON: " + e.getMessage(), e);
        }
    }

    /** An includer that turns a missing included file into an error; the library's own does the rest. */
    private record RequiredIncludes(ConfigIncluder fallback) implements ConfigIncluder, ConfigIncluderFile {
        @Override
        public ConfigIncluder withFallback(ConfigIncluder next) {
            if (next == fallback) {
                return this;
            }
            return new RequiredIncludes(fallback == null ? next : fallback.withFallback(next));
        }

        @Override
        public ConfigObject include(ConfigIncludeContext context, String what) {
            return fallback.include(required(context), what);
        }

        @Override
        public ConfigObject includeFile(ConfigIncludeContext context, File file) {
            return ConfigFactory.parseFileAnySyntax(file, required(context).parseOptions()).root();
        }

        private static ConfigIncludeContext required(ConfigIncludeContext context) {
            return context.setParseOptions(context.parseOptions().setAllowMissing(false));
        }
    }

    /** Builds the spec from a parsed config that has a {@value #ROOT} block, over the defaults. */
    public static CampaignSpec fromConfig(Config root) {
        if (!root.hasPath(ROOT)) {
            throw new IllegalArgumentException("config has no '" + ROOT + "' block; expected campaign { ... }");
        }
        Set<String> unknown = new TreeSet<>(keys(root.getObject(ROOT), ""));
        unknown.removeAll(KNOWN);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown campaign key(s) " + unknown + "; known keys: "
                    + new TreeSet<>(KNOWN));
        }
        Config c = root.withFallback(REFERENCE).getConfig(ROOT);
        try {
            Sampling sampling = new Sampling(
                    choice(c, "sampling.target", Sampling.Target.class),
                    c.getDouble("sampling.margin"),
                    c.getDouble("sampling.confidence"),
                    choice(c, "sampling.groups", Sampling.Groups.class),
                    choice(c, "sampling.eligible", Sampling.Eligible.class),
                    c.getBoolean("sampling.adaptive"),
                    c.getLong("sampling.first-round"),
                    c.getDouble("sampling.growth"),
                    c.getDouble("sampling.holdout"),
                    c.getLong("sampling.holdout-seed"));
            boolean fixedCount = sampling.target() == Sampling.Target.TRIALS;
            return new CampaignSpec(
                    c.hasPath("name") ? c.getString("name") : null,
                    c.getLong("seed"),
                    c.hasPath("model") ? c.getString("model") : null,
                    new CampaignSpec.ImageSource(
                            c.hasPath("images.dataset") ? c.getString("images.dataset") : null,
                            c.hasPath("images.path") ? c.getString("images.path") : null,
                            choice(c, "images.split", CampaignSpec.Split.class),
                            c.getInt(required(c, "images.count"))),
                    stringOrList(c, "layers"),
                    // with target = margin the count is computed; 1 stands in when none is given
                    fixedCount || c.hasPath("trials-per-layer") ? c.getInt(required(c, "trials-per-layer")) : 1,
                    bits(c),
                    NumberFormat.byId(c.getString("format")),
                    FaultOp.byId(c.getString("fault-model")),
                    c.getInt("bits-per-fault"),
                    choice(c, "multi-bit", CampaignSpec.MultiBit.class),
                    DetectorMode.parse(String.valueOf(c.getValue("range-detector").unwrapped())),
                    CampaignSpec.Target.parse(c.getString("target")),
                    c.getString("output"),
                    c.getBoolean("overwrite"),
                    c.getInt("images-per-shard"),
                    c.getInt("max-batch"),
                    nearTie(c),
                    c.getBoolean("cone"),
                    c.getString("spark-master"),
                    sampling);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A config of only the defaults plus {@code hocon} (for code and tests that build specs). */
    public static CampaignSpec fromHocon(String hocon) {
        return fromConfig(ConfigFactory.parseString(hocon).resolve());
    }

    private static <E extends Enum<E> & Choice> E choice(Config c, String key, Class<E> type) {
        return Choice.parse(type, "campaign." + key, c.getString(key));
    }

    /** {@code near-tie}: a probability difference, or the word {@code exact}. */
    private static double nearTie(Config c) {
        Object v = c.getValue("near-tie").unwrapped();
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if ("exact".equals(String.valueOf(v).trim())) {
            return org.flipstorm.inject.InjectionEngine.EXACT;
        }
        try {
            return Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("campaign.near-tie = '" + v + "'; expected a probability difference"
                    + " such as 1e-4, or exact");
        }
    }

    private static String required(Config c, String key) {
        if (!c.hasPath(key)) {
            throw new IllegalArgumentException("campaign." + key + " is missing");
        }
        return key;
    }

    private static List<String> stringOrList(Config c, String key) {
        if (c.getValue(key).valueType() == ConfigValueType.LIST) {
            List<String> out = new ArrayList<>();
            c.getList(key).forEach(v -> out.add(String.valueOf(v.unwrapped())));
            return out;
        }
        return List.of(c.getString(key));
    }

    private static List<Integer> bits(Config c) {
        if (c.getValue("bits").valueType() == ConfigValueType.STRING) {
            String v = c.getString("bits");
            if (!v.equals("all")) {
                throw new IllegalArgumentException("campaign.bits '" + v + "' unknown; expected 'all' or a list of"
                        + " bit positions such as [30, 31]");
            }
            return List.of();
        }
        return c.getIntList("bits");
    }

    /** The dotted paths of every leaf under {@code o}, null-valued ones included. */
    private static Set<String> keys(ConfigObject o, String prefix) {
        Set<String> out = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof ConfigObject child) {
                out.addAll(keys(child, key + "."));
            } else {
                out.add(key);
            }
        }
        return out;
    }
}
