package org.flipstorm.zoo.nets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Model;

/**
 * Every architecture of the zoo by its model-card id. Each builds a network with the
 * {@code baseline} or {@code text_guided} head that {@link NetSpec} asks for, ending in layers
 * named {@code logits} and {@code softmax}.
 */
public final class Architectures {
    private static final Map<String, Function<NetSpec, Model>> BUILDERS = new LinkedHashMap<>();

    static {
        BUILDERS.put(LeNet.ARCHITECTURE, LeNet::build);
        BUILDERS.put(AlexNet.ARCHITECTURE, AlexNet::build);
        BUILDERS.put(Vgg.VGG11_BN, spec -> Vgg.build(spec, Vgg.Depth.VGG11));
        BUILDERS.put(Vgg.VGG16_BN, spec -> Vgg.build(spec, Vgg.Depth.VGG16));
        BUILDERS.put(ResNetCifar.RESNET20, ResNetCifar::resnet20);
        BUILDERS.put(ResNetCifar.RESNET18, ResNetCifar::resnet18);
        BUILDERS.put(MobileNetV2.ARCHITECTURE, MobileNetV2::build);
        BUILDERS.put(VisionTransformer.VIT_TINY, VisionTransformer::vitTiny);
    }

    private Architectures() {}

    /** Ids of all architectures, in the order of the study's table. */
    public static List<String> ids() {
        return List.copyOf(BUILDERS.keySet());
    }

    /**
     * Builds and initialises architecture {@code id}.
     *
     * @throws IllegalArgumentException for an unknown id or options the architecture rejects
     */
    public static Model build(String id, NetSpec spec) {
        Function<NetSpec, Model> builder = BUILDERS.get(id);
        if (builder == null) {
            throw new IllegalArgumentException("architecture '" + id + "' unknown; expected one of " + ids());
        }
        return builder.apply(spec);
    }
}
