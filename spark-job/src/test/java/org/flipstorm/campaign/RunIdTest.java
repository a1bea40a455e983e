package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The run id decides whether a rerun resumes: it must change with every component that decides the
 * rows, found by reflection so that a component added later is covered without touching this test.
 */
class RunIdTest {
    private static final String SHA = "cfa1bc2ed6b4c030bc280c7526ccaedb6df12d05e637c463fa791edb65cc2933";

    /** Two bases, so that each component decides rows in at least one (adaptive needs a margin target). */
    private static final List<CampaignSpec> BASES = List.of(
            base("target = margin, adaptive = true, holdout = 0.5"),
            base("target = trials, holdout = 0.5"));

    private static CampaignSpec base(String sampling) {
        return CampaignConfig.fromHocon("campaign { name = n, model = m.zip, images { dataset = fashion-mnist,"
                + " path = p, count = 100 }, trials-per-layer = 10, bits = [3, 4], sampling { " + sampling + " } }");
    }

    @Test
    void everyComponentThatDecidesRowsChangesTheRunId() throws Exception {
        List<String> checked = new ArrayList<>();
        for (String path : paths(CampaignSpec.class, "")) {
            if (CampaignSpec.NOT_IN_RUN_ID.contains(path)) {
                continue;
            }
            boolean covered = false;
            for (CampaignSpec base : BASES) {
                for (Object candidate : variants(get(base, path))) {
                    CampaignSpec changed;
                    try {
                        changed = (CampaignSpec) with(base, path, candidate);
                    } catch (IllegalArgumentException invalidHere) {
                        continue;
                    }
                    assertNotEquals(PreparedCampaign.runId(base, SHA), PreparedCampaign.runId(changed, SHA),
                            path + " changed to " + candidate + " but the run id did not");
                    covered = true;
                    break;
                }
                if (covered) {
                    break;
                }
            }
            assertTrue(covered, "no valid change of " + path + " found: teach variants() its type");
            checked.add(path);
        }
        assertTrue(checked.containsAll(List.of("seed", "images.split", "format", "rangeDetector", "target",
                "sampling.eligible", "sampling.holdoutSeed", "maxBatch")), checked.toString());
        assertEquals(28, checked.size(), "components in the run id: " + checked);
    }

    @Test
    void whereRowsGoAndWhoRunsThemDoNotChangeIt() throws Exception {
        CampaignSpec base = BASES.get(0);
        for (var change : List.of(List.of("output", "elsewhere"), List.of("overwrite", true),
                List.of("master", "spark://h:7077"))) {
            CampaignSpec moved = (CampaignSpec) with(base, (String) change.get(0), change.get(1));
            assertEquals(PreparedCampaign.runId(base, SHA), PreparedCampaign.runId(moved, SHA), change.toString());
        }
        assertNotEquals(PreparedCampaign.runId(base, SHA), PreparedCampaign.runId(base, SHA.replace('c', 'd')),
                "other weights, another run");
    }

    @Test
    void theDefaultCampaignKeepsTheRunIdItHadBeforeTheTypedSpec() {
        CampaignSpec spec = CampaignConfig.load(new File("../conf/local.conf"), List.of());
        assertEquals("37ae3ded", PreparedCampaign.runId(spec, SHA), "README's 'campaign default-37ae3ded'");
    }

    /** Dotted paths of every leaf component; records nested in the spec are entered. */
    private static List<String> paths(Class<?> type, String prefix) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getType().isRecord()) {
                out.addAll(paths(c.getType(), prefix + c.getName() + "."));
            } else {
                out.add(prefix + c.getName());
            }
        }
        return out;
    }

    private static Object get(Object record, String path) throws Exception {
        int dot = path.indexOf('.');
        String head = dot < 0 ? path : path.substring(0, dot);
        Object v = record.getClass().getMethod(head).invoke(record);
        return dot < 0 ? v : get(v, path.substring(dot + 1));
    }

    /** {@code record} with the component at {@code path} replaced, through the canonical constructors. */
    private static Object with(Object record, String path, Object value) throws Exception {
        int dot = path.indexOf('.');
        String head = dot < 0 ? path : path.substring(0, dot);
        RecordComponent[] cs = record.getClass().getRecordComponents();
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            types[i] = cs[i].getType();
            args[i] = cs[i].getAccessor().invoke(record);
            if (cs[i].getName().equals(head)) {
                args[i] = dot < 0 ? value : with(args[i], path.substring(dot + 1), value);
            }
        }
        Constructor<?> canonical = record.getClass().getDeclaredConstructor(types);
        try {
            return canonical.newInstance(args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw e;
        }
    }

    /** Other values of the type of {@code v}, in order of preference. */
    private static List<Object> variants(Object v) {
        if (v instanceof Boolean b) {
            return List.of(!b);
        }
        if (v instanceof Integer i) {
            return List.of(i + 1, i * 2, i - 1);
        }
        if (v instanceof Long l) {
            return List.of(l + 1);
        }
        if (v instanceof Double d) {
            return List.of(d * 0.5, (1 + d) / 2, d * 1.5);
        }
        if (v instanceof String s) {
            return List.of(s + "x");
        }
        if (v instanceof Enum<?> e) {
            return Arrays.stream(e.getDeclaringClass().getEnumConstants()).filter(o -> o != e).map(o -> (Object) o)
                    .toList();
        }
        if (v instanceof List<?> list && !list.isEmpty()) {
            Object last = list.get(list.size() - 1);
            List<Object> longer = new ArrayList<>(list);
            longer.add(last instanceof Integer i ? i + 1 : last + "x");
            return list.size() > 1 ? List.of(list.subList(0, list.size() - 1), longer) : List.of(longer);
        }
        fail("no variants for " + v + " (" + (v == null ? "null" : v.getClass()) + ")");
        return List.of();
    }
}
