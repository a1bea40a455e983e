package org.flipstorm.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The walls of the architecture, checked on the compiled classes of every module (this module's
 * test class path holds them all): the injection core and the
 * campaign planner run without Spark or Hadoop, the model zoo and the common module know nothing
 * of the campaign, and no two classes depend on each other (DL4J's layer/configuration pairs
 * excepted, see {@link #dl4jLayerContract}).
 */
class LayeringTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.flipstorm");

    private static final String[] CLUSTER = {"org.apache.spark..", "org.apache.hadoop..", "scala.."};

    /** The planner: what the driver decides before any Spark job, testable and reusable without Spark. */
    static final Set<String> PLANNER = Set.of("CampaignSpec", "Sampling", "TrialPlanner", "SamplePermutation",
            "RoundSchedule", "Trial", "Shard", "TargetLayer");

    @Test
    void theInjectionCoreSeesNoSparkHadoopOrCampaign() {
        noClasses().that().resideInAPackage("org.flipstorm.inject..")
                .should().dependOnClassesThat().resideInAnyPackage(CLUSTER)
                .orShould().dependOnClassesThat().resideInAPackage("org.flipstorm.campaign..")
                .because("the core must run in any JVM (a notebook, a benchmark) without a cluster")
                .check(MAIN);
    }

    @Test
    void thePlannerSeesNoSparkOrHadoop() {
        ArchRule rule = noClasses().that(planner())
                .should().dependOnClassesThat().resideInAnyPackage(CLUSTER)
                .because("planning a campaign (plan, tests) must not need a cluster");
        rule.check(MAIN);
    }

    @Test
    void theModelZooAndCommonSeeNoSpark() {
        noClasses().that().resideInAnyPackage("org.flipstorm.zoo..", "org.flipstorm.common..")
                .should().dependOnClassesThat().resideInAnyPackage(CLUSTER)
                .orShould().dependOnClassesThat().resideInAnyPackage("org.flipstorm.campaign..", "org.flipstorm.inject..")
                .check(MAIN);
    }

    @Test
    void theAnalysisReadsParquetOnlyAndKnowsNoCampaignCode() {
        noClasses().that().resideInAPackage("org.flipstorm.analysis..")
                .should().dependOnClassesThat().resideInAnyPackage("org.flipstorm.campaign..", "org.flipstorm.inject..",
                        "org.flipstorm.zoo..", "org.deeplearning4j..", "org.nd4j..")
                .because("the analysis agrees with the campaign through the trial schema (TrialColumn) alone")
                .check(MAIN);
    }

    @Test
    void theModulesAreAllHere() {
        for (String c : List.of("org.flipstorm.inject.InjectionEngine", "org.flipstorm.campaign.CampaignRunner",
                "org.flipstorm.zoo.store.ModelStore", "org.flipstorm.analysis.Analysis",
                "org.flipstorm.common.cli.Cli")) {
            org.junit.jupiter.api.Assertions.assertTrue(MAIN.contain(c), c + " was not imported");
        }
    }

    @Test
    void noTwoClassesDependOnEachOther() {
        classes().that().resideInAPackage("org.flipstorm..").should(notDependOnAClassThatDependsOnThem())
                .check(MAIN);
    }

    private static com.tngtech.archunit.base.DescribedPredicate<JavaClass> planner() {
        return com.tngtech.archunit.base.DescribedPredicate.describe("are the planner " + new TreeSet<>(PLANNER),
                c -> c.getPackageName().equals("org.flipstorm.campaign") && PLANNER.contains(top(c).getSimpleName()));
    }

    /** A class and the classes nested in it count as one. */
    private static JavaClass top(JavaClass c) {
        JavaClass t = c;
        while (t.getEnclosingClass().isPresent()) {
            t = t.getEnclosingClass().get();
        }
        return t;
    }

    static ArchCondition<JavaClass> notDependOnAClassThatDependsOnThem() {
        return new ArchCondition<>("not depend on a class that depends on them") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                if (c.getEnclosingClass().isPresent()) {
                    return; // nested classes are checked as part of their top-level class
                }
                Set<String> mine = targets(c);
                for (String other : mine) {
                    JavaClass o = MAIN.contain(other) ? MAIN.get(other) : null;
                    if (o != null && targets(o).contains(c.getName()) && c.getName().compareTo(other) < 0
                            && !dl4jLayerContract(c, o) && !dl4jLayerContract(o, c)) {
                        events.add(SimpleConditionEvent.violated(c, c.getSimpleName() + " and " + o.getSimpleName()
                                + " depend on each other"));
                    }
                }
            }
        };
    }

    /**
     * DL4J's custom-layer API is a cycle by design: a layer configuration instantiates its layer
     * and names its parameter initializer, and both read the configuration back. Only that pair
     * shape is allowed.
     */
    private static boolean dl4jLayerContract(JavaClass conf, JavaClass other) {
        return conf.isAssignableTo(org.deeplearning4j.nn.conf.layers.Layer.class)
                && (other.isAssignableTo(org.deeplearning4j.nn.api.Layer.class)
                        || other.isAssignableTo(org.deeplearning4j.nn.api.ParamInitializer.class));
    }

    /** The top-level org.flipstorm classes that {@code c} or a class nested in it uses, itself left out. */
    private static Set<String> targets(JavaClass c) {
        Set<String> out = new TreeSet<>();
        for (JavaClass member : MAIN) {
            if (!top(member).equals(c)) {
                continue;
            }
            member.getDirectDependenciesFromSelf().forEach(d -> {
                JavaClass t = top(d.getTargetClass());
                if (t.getPackageName().startsWith("org.flipstorm") && !t.equals(c)) {
                    out.add(t.getName());
                }
            });
        }
        return out;
    }
}
