package org.jamesexim.bench.dsn;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.TimeUnit;

import org.jamesexim.dsn.DeliveryStatusReport;
import org.jamesexim.dsn.RemoteMta;
import org.jamesexim.dsn.SmtpFailure;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the delivery-status part of one bounce: one recipient with all four DSN-info fields (typical), and a
 * hostile 5 KB multi-line reply that is cleaned, folded and capped.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar DeliveryStatusReportBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DeliveryStatusReportBenchmark {
    private final ZonedDateTime when = ZonedDateTime.of(2024, 2, 3, 4, 5, 6, 0, ZoneOffset.UTC);
    private final RemoteMta mta = RemoteMta.of("mx.remote.example", "192.0.2.1", 2525,
        "220-mx.remote.example ESMTP ready\r\n220 second line\r\n", "250-mx.remote.example Hello james.example [192.0.2.9]\r\n250 8BITMIME\r\n");
    private final SmtpFailure typical = SmtpFailure.of("RCPT TO:<user@remote.example>",
        "550-5.1.1 The email account that you tried to reach does not exist.\n550 5.1.1 Please check the address and try again\n");
    private final SmtpFailure hostile = SmtpFailure.of("RCPT TO:<user@remote.example>",
        ("550 \u0000no\r\nX-Injected: yes\r\n\r\n" + "z".repeat(80) + " ").repeat(50));

    @Benchmark
    public String typicalRecipient() {
        return DeliveryStatusReport.builder("james.example").dsnInfo(true)
            .failed("user@remote.example", mta, typical, null, when).build().text();
    }

    @Benchmark
    public String hostileFiveKilobyteReply() {
        return DeliveryStatusReport.builder("james.example").dsnInfo(true)
            .failed("user@remote.example", mta, hostile, null, when).build().text();
    }
}
