package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tasks x OpenMP threads = the cores: local[N] shares the machine, a cluster task gets its spark.task.cpus. */
class TaskThreadsTest {
    @ParameterizedTest(name = "{0}, task cpus {1}, {2} cores -> {3}")
    @CsvSource(delimiter = '|', value = {
        "local[2]        | 1 | 2  | 1",
        "local[2]        | 1 | 8  | 4",
        "local[1]        | 1 | 2  | 2",
        "local           | 1 | 4  | 4",
        "local[*]        | 1 | 16 | 1",
        "local[3]        | 1 | 2  | 1",
        "local[4, 2]     | 1 | 8  | 2",
        "yarn            | 1 | 64 | 1",
        "yarn            | 4 | 64 | 4",
        "spark://h:7077  | 2 | 8  | 2"})
    void threadsPerTask(String master, int cpus, int cores, int expected) {
        assertEquals(expected, TaskThreads.forTask(master, cpus, cores));
    }

    @org.junit.jupiter.api.Test
    void aCountMustBeAWholeNumberOfThreads() {
        assertEquals(3, TaskThreads.parseCount("3"));
        for (String bad : new String[] {"0", "-2", "two", "1.5"}) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> TaskThreads.parseCount(bad));
            assertEquals("spark.flipstorm.taskOmpThreads = '" + bad + "'; expected inherit, fit or a number of threads >= 1",
                    e.getMessage());
        }
    }

    /** The count is the calling thread's: a task's setting leaves the JVM's other threads as they were. */
    @org.junit.jupiter.api.Test
    void theSettingIsPerThread() throws Exception {
        org.flipstorm.zoo.runtime.Dl4jRuntime.configure();
        int mine = TaskThreads.apply(2);
        int[] seen = new int[2];
        Thread a = new Thread(() -> seen[0] = TaskThreads.apply(1));
        Thread b = new Thread(() -> seen[1] = TaskThreads.apply(3));
        a.start();
        b.start();
        a.join();
        b.join();
        assertEquals(1, seen[0]);
        assertEquals(3, seen[1]);
        assertEquals(2, mine);
        assertEquals(2, org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(),
                "this thread's count did not move");
    }
}
