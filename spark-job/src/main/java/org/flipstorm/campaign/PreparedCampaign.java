package org.flipstorm.campaign;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import org.flipstorm.inject.GoldenPass;
import org.flipstorm.inject.InjectableNetwork;
import org.flipstorm.inject.InjectableNetworks;
import org.flipstorm.inject.RangeProfile;
import org.flipstorm.inject.WeightFaults;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.data.FolderDataset;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.store.ModelCard;
import org.flipstorm.zoo.store.ModelStore;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A campaign checked against its model and data, before anything is started or written: the
 * model loads and matches its card, the images exist, every named layer exists.
 *
 * @param spec the campaign
 * @param card the model's card
 * @param layers the resolved target layers
 * @param context what the executors get
 * @param eligibleImages dataset indices of the images trials may hit (all of the source, or those
 *     the clean model classifies correctly)
 * @param groups the planned groups and their sizes
 */
public record PreparedCampaign(CampaignSpec spec, ModelCard card, List<TargetLayer> layers, CampaignContext context,
                               int[] eligibleImages, List<TrialGroup> groups) {

    /**
     * Checks {@code spec} against its model and data.
     *
     * @throws ZooException the model or the data is missing or malformed
     * @throws IllegalArgumentException a layer or image count does not fit the model or data
     */
    public static PreparedCampaign of(CampaignSpec spec) throws ZooException, java.io.IOException {
        Path modelZip = ModelFiles.local(spec.model(), new org.apache.hadoop.conf.Configuration());
        ModelStore.LoadedModel model = ModelStore.load(modelZip);
        CampaignSpec.ImageSource src = spec.images();
        FolderDataset.Layout layout = model.card().imageLayout();
        ImageSet images = CampaignImages.load(src, layout, new org.apache.hadoop.conf.Configuration());
        if (src.count() > images.size()) {
            throw new IllegalArgumentException("images.count " + src.count() + " exceeds the " + images.size()
                    + " images of " + src.dataset() + "/" + src.split().id());
        }
        InjectableNetwork stack = InjectableNetworks.of(model.network());
        long[] neurons = new long[stack.size()];
        GoldenPass one = stack.golden(images.features(new int[] {0}, model.card().inputNormalization()));
        float[] maxAbs = new float[stack.size()];
        java.util.Arrays.fill(maxAbs, Float.NaN);
        for (int k = 0; k < neurons.length; k++) {
            if (spec.weightFaults()) {
                var layer = stack.layer(k);
                boolean hasWeights = layer != null && layer.paramTable().containsKey(WeightFaults.WEIGHTS);
                neurons[k] = hasWeights ? layer.getParam(WeightFaults.WEIGHTS).length() : 0;
                maxAbs[k] = hasWeights ? layer.getParam(WeightFaults.WEIGHTS).amaxNumber().floatValue() : Float.NaN;
            } else {
                neurons[k] = one.neurons(k);
            }
        }
        if (!spec.weightFaults() && (spec.rangeDetector().active() || spec.format().quantised())) {
            RangeProfile ranges = ranges(modelZip, model.card().weightsSha256(), stack);
            for (int k = 0; k < maxAbs.length; k++) {
                maxAbs[k] = ranges.maxAbs(k);
            }
        }
        List<TargetLayer> layers = resolveLayers(spec.layers(), stack, neurons, maxAbs, model.card().modelId());
        String campaignId = spec.name() + "-" + runId(spec, model.card().weightsSha256());
        CampaignContext ctx = new CampaignContext(campaignId, model.card().modelId(), model.card().architecture(),
                model.card().variant(),
                spec.model(), model.card().weightsSha256(), src, layers, spec.format(), spec.faultModel(),
                spec.rangeDetector(), spec.weightFaults(), spec.maxBatch(), spec.nearTie(), spec.cone(), model.card().inputNormalization(), layout);
        int[] candidates = spec.sampling().heldOut(src.count());
        int[] eligible = spec.sampling().eligible() == Sampling.Eligible.ALL ? candidates
                : correctlyClassified(stack, images, candidates, model.card().inputNormalization(),
                        spec.sampling().eligible() == Sampling.Eligible.CORRECT_MARGIN);
        if (eligible.length == 0) {
            throw new IllegalArgumentException("the model classifies none of the " + src.count() + " images correctly,"
                    + " so no image is eligible; check the model and dataset, or set campaign.sampling.eligible = all");
        }
        return new PreparedCampaign(spec, model.card(), layers, ctx, eligible,
                TrialPlanner.groups(spec, layers, eligible.length));
    }

    /**
     * The {@code candidates} whose clean top-1 class is their label and, with {@code margin}, whose
     * clean top2diff (p1 - p2 of the output probabilities) is above 0, as GoldenEye requires.
     */
    static int[] correctlyClassified(InjectableNetwork net, ImageSet images, int[] candidates,
                                     org.flipstorm.zoo.data.Normalization norm, boolean margin) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int start = 0; start < candidates.length; start += 256) {
            int[] idx = java.util.Arrays.copyOfRange(candidates, start, Math.min(candidates.length, start + 256));
            INDArray probs = net.output(images.features(idx, norm));
            long[] top1 = probs.argMax(1).toLongVector();
            for (int i = 0; i < idx.length; i++) {
                if (top1[i] == images.label(idx[i]) && (!margin || top2diff(probs.getRow(i).toFloatVector()) > 0)) {
                    out.add(idx[i]);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** p1 - p2 of one output row (probabilities, or logits turned into them by the caller). */
    static double top2diff(float[] row) {
        double first = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            if (v > first) {
                second = first;
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        return first - second;
    }

    /** Total number of trials. */
    public long plannedTrials() {
        return groups.stream().mapToLong(TrialGroup::trials).sum();
    }

    /** The shards that run the planned trials. */
    public List<Shard> shards() {
        return TrialPlanner.plan(spec, groups, eligibleImages);
    }

    /** The model's range profile; it must exist and belong to these weights and sites. */
    static RangeProfile ranges(Path modelZip, String weightsSha, InjectableNetwork stack) throws java.io.IOException {
        Path file = RangeProfile.pathFor(modelZip);
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new IllegalArgumentException("int8 and the range detector need the model's activation ranges, but "
                    + file + " does not exist; create it with: profile --model " + modelZip);
        }
        RangeProfile p = RangeProfile.read(file);
        if (!weightsSha.equals(p.weightsSha256()) || p.sites().size() != stack.size()) {
            throw new IllegalArgumentException("range profile " + file + " was made for other weights or layers"
                    + " (weights " + p.weightsSha256() + "); profile the model again");
        }
        return p;
    }

    static List<TargetLayer> resolveLayers(List<String> tokens, InjectableNetwork stack, long[] neurons,
                                           float[] maxAbs, String modelId) {
        LinkedHashSet<Integer> chosen = new LinkedHashSet<>();
        java.util.Set<Integer> named = new java.util.HashSet<>();
        for (String token : tokens) {
            String t = token.trim();
            if (t.equals(CampaignSpec.ALL_LAYERS)) {
                for (int i = 0; i < stack.size(); i++) {
                    if (stack.isDefaultTarget(i)) {
                        chosen.add(i);
                    }
                }
            } else if (t.equals(CampaignSpec.GOLDENEYE_LAYERS)) {
                for (int i = 0; i < stack.size(); i++) {
                    if (stack.isGoldenEyeSite(i)) {
                        chosen.add(i);
                    }
                }
            } else if (t.equals(CampaignSpec.COMPUTE_LAYERS)) {
                for (int i = 0; i < stack.size(); i++) {
                    if (stack.hasParameters(i)) {
                        chosen.add(i);
                    }
                }
            } else if (t.matches("\\d+")) {
                int i = Integer.parseInt(t);
                if (i >= stack.size()) {
                    throw new IllegalArgumentException("layer index " + i + " outside 0.." + (stack.size() - 1)
                            + " of model " + modelId + "; layers: " + describe(stack));
                }
                chosen.add(i);
                named.add(i);
            } else {
                int i = stack.names().indexOf(t);
                if (i < 0) {
                    throw new IllegalArgumentException("unknown layer '" + t + "' in model " + modelId
                            + "; expected 'all', 'compute', 'goldeneye', or one of " + describe(stack));
                }
                chosen.add(i);
                named.add(i);
            }
        }
        List<TargetLayer> out = new ArrayList<>();
        for (int i : chosen.stream().sorted().toList()) {
            if (neurons[i] == 0) {
                // Only weight campaigns have sites with nothing to hit; 'all' and 'compute' skip them.
                if (named.contains(i)) {
                    throw new IllegalArgumentException("layer '" + stack.names().get(i) + "' has no weights; weight"
                            + " faults target convolution and dense layers");
                }
                continue;
            }
            out.add(new TargetLayer(i, stack.names().get(i), neurons[i], maxAbs[i]));
        }
        return out;
    }

    private static String describe(InjectableNetwork stack) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < stack.size(); i++) {
            parts.add(i + ":" + stack.names().get(i));
        }
        return parts.toString();
    }

    /** A run id that names the spec and the weights: the same campaign always gets the same id. */
    static String runId(CampaignSpec spec, String weightsSha) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(spec.identity().getBytes(StandardCharsets.UTF_8));
            md.update(weightsSha.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
