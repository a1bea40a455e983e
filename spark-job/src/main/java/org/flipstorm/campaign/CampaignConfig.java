package org.flipstorm.campaign;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
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

    private CampaignConfig() {}

    /**
     * Reads {@code file}, with {@code overrides} (HOCON settings such as
     * {@code campaign.trials-per-layer = 100}) taking precedence, over the defaults.
     */
    public static CampaignSpec load(File file, List<String> overrides) {
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
        Config conf;
        try {
            conf = over.withFallback(ConfigFactory.parseFile(file)).resolve();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("campaign config " + file + " is not valid HOCON: " + e.getMessage(), e);
        }
        return fromConfig(conf);
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
