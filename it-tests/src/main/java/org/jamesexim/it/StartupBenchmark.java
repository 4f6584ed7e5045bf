package org.jamesexim.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Measures how long the embedded James (sample configuration, random ports) takes to start: the first start in a
 * fresh JVM (cold) and the following starts in the same JVM (warm: classes loaded, JIT compiled).
 * Prints one line: {@code STARTUP cold=<s> warm=<s>,<s>,...}. Run by {@code benchmarks/startup.sh}.
 */
public final class StartupBenchmark {
    private StartupBenchmark() {
    }

    public static void main(String[] args) {
        int starts = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<String> seconds = new ArrayList<>();
        for (int i = 0; i < starts; i++) {
            long t0 = System.nanoTime();
            JamesHarness james = JamesHarness.builder().start();
            double s = (System.nanoTime() - t0) / 1e9;
            james.close();
            seconds.add(String.format("%.2f", s));
        }
        System.out.println("STARTUP cold=" + seconds.get(0) + " warm=" + String.join(",", seconds.subList(1, seconds.size())));
        System.exit(0);
    }
}
