package org.jamesexim.bench;

import java.lang.management.ManagementFactory;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-iteration CPU time of the whole benchmark JVM (all threads, so GC and JIT are paid for, as the peers' process
 * CPU time includes theirs), and the number of calls it covers: a benchmark method takes it as a parameter and calls
 * {@link #tick()} after each operation, so {@code calls / cpuNanos} is operations per CPU-second, the figure that
 * stays comparable on a shared machine (BENCHMARKS.md). Used by the ARC and DMARC benchmarks.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuClock {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    public long calls;
    public long cpuNanos;
    private long last;

    @Setup(Level.Iteration)
    public void start() {
        calls = 0;
        cpuNanos = 0;
        last = OS.getProcessCpuTime();
    }

    /** One operation done: adds the CPU time since the last tick. */
    public void tick() {
        long now = OS.getProcessCpuTime();
        cpuNanos += now - last;
        last = now;
        calls++;
    }
}
