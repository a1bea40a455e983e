package org.flipstorm.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two launchers started together on a checkout that needs building build it once: the second waits
 * on the lock, then finds the first's build current. Runs the real submit-scripts/common.sh in a
 * copy of the checkout's layout, with Maven replaced by a slow stand-in that logs its start and end.
 */
class LauncherBuildLockTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @Test
    void concurrentLaunchersBuildOnceAndBothSucceed(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("submit-scripts"));
        Files.copy(ROOT.resolve("submit-scripts/common.sh"), home.resolve("submit-scripts/common.sh"));
        Files.writeString(home.resolve("pom.xml"), "<project/>");
        for (String module : List.of("spark-job", "analysis", "model-zoo")) {
            Files.createDirectories(home.resolve(module + "/src/main/java"));
        }
        Path log = home.resolve("builds.log");
        String script = String.join("\n",
                "home=\"$1\"; source \"$home/submit-scripts/common.sh\"",
                "flipstorm_build() {",
                "  echo start >> \"$home/builds.log\"; sleep 1",
                "  for m in spark-job analysis model-zoo; do mkdir -p \"$home/$m/target\"; echo cp > \"$home/$m/target/classpath.txt\"; done",
                "  echo end >> \"$home/builds.log\"",
                "}",
                "flipstorm_build_if_stale");
        List<Process> launchers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", script, "launcher", home.toString());
            pb.redirectErrorStream(true);
            launchers.add(pb.start());
        }
        for (Process p : launchers) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
        }
        assertEquals(List.of("start", "end"), Files.readAllLines(log), "the stand-in build ran more than once or overlapped");

        // A source newer than the build makes the next launcher build again, once.
        Path source = home.resolve("spark-job/src/main/java/A.java");
        Files.writeString(source, "class A {}");
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Process again = new ProcessBuilder("bash", "-c", script, "launcher", home.toString()).redirectErrorStream(true).start();
        String out = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, again.waitFor(), out);
        assertEquals(List.of("start", "end", "start", "end"), Files.readAllLines(log));
    }
}
