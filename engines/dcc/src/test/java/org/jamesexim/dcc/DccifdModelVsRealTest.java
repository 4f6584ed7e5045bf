package org.jamesexim.dcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.api.SoftAssertions;
import org.jamesexim.dcc.sim.DccCaptures;
import org.jamesexim.dcc.sim.DccifdSimulator;
import org.junit.jupiter.api.Test;

/**
 * The dccifd model ({@link DccifdSimulator}) against every exchange recorded with a real dccifd 2.3.167
 * ({@code shared/vectors/dcc-real/}): each recorded request is sent, byte for byte, to a model set up as the real
 * daemon instance was (index.json), in the recorded order (one model per instance, so counts and greylist state carry
 * over as they did), and its reply must equal the real one: the same result line, the same per-recipient line, the
 * same X-DCC header (folding included), the same {@code cksums} table apart from the checksum words, the same
 * {@code body} copy, the same silence where the daemon closed without a reply.
 *
 * <p>What the model cannot know is given to it per case from the capture: the history of the DCC network and of the
 * client IP (how many reports of the body there were before, shown by the table's server column, or else the count the
 * header shows; the IP's report and spam totals from the table, or else the {@code rep=NN%} the header shows), since
 * cases that were withheld from the folder added to them. Everything else (the whiteclnt rules, counting per recipient,
 * thresholds, per-recipient marks, the no-server, {@code -x}, no-recipient and {@code <>} answers, folding, which rows
 * and columns the table has, and whether the answer waits for a server) is the model's own.</p>
 */
class DccifdModelVsRealTest {
    private static final Pattern HEX = Pattern.compile("\\b[0-9a-f]{8}( [0-9a-f]{8}){3}\\b");
    private static final Pattern BODY = Pattern.compile("\\bBody=(\\d+)");
    private static final Pattern REP = Pattern.compile("\\brep=(\\d+)%");
    private static final Duration LATENCY = Duration.ofMillis(80);

    @Test
    void theModelAnswersEveryRecordedRequestAsTheRealDccifdDid() throws Exception {
        List<DccCaptures.Case> cases = DccCaptures.all();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(61);
        Map<String, DccifdSimulator> models = new HashMap<>();
        Map<String, AtomicLong> clocks = new HashMap<>();
        SoftAssertions soft = new SoftAssertions();
        List<String> identical = new ArrayList<>();
        try {
            for (DccCaptures.Case c : cases) {
                AtomicLong clock = clocks.computeIfAbsent(c.instance, k -> new AtomicLong(1_000_000));
                DccifdSimulator model = models.computeIfAbsent(c.instance, k -> {
                    try {
                        return DccCaptures.configure(new DccifdSimulator(), k).latency(LATENCY).clock(clock::get).listenTcp();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                clock.addAndGet(25_000); // the real run waited out the 20 s embargo between cases
                model.brand(DccCaptures.brand(c), "vm", 1000);
                prime(model, c);
                long[] took = new long[1];
                String ours = exchange(model, c.request, took);
                String real = c.replyText();
                String name = c.name;
                if (real.isEmpty()) {
                    soft.assertThat(ours).as("%s: the real dccifd closed without a reply", name).isEmpty();
                    continue;
                }
                String[] r = split(real);
                String[] o = split(ours);
                soft.assertThat(o[0]).as("%s: result line", name).isEqualTo(r[0]);
                soft.assertThat(o[1]).as("%s: per-recipient line", name).isEqualTo(r[1]);
                soft.assertThat(normalize(o[2])).as("%s: header, table or body", name).isEqualTo(normalize(r[2]));
                boolean realWaited = c.seconds >= 0.2;
                soft.assertThat(took[0] >= LATENCY.toMillis() - 10).as("%s: waits for a DCC server (real: %.3f s, model: %d ms)", name,
                    c.seconds, took[0]).isEqualTo(realWaited);
                if (ours.equals(real)) {
                    identical.add(name);
                }
            }
        } finally {
            models.values().forEach(DccifdSimulator::close);
        }
        soft.assertAll();
        System.out.println("DccifdModelVsRealTest: " + cases.size() + " cases match (" + identical.size()
            + " byte for byte, the rest apart from the cksums checksum words)");
    }

    /** Gives the model the history it cannot know (see the class comment), read from the real reply. */
    static void prime(DccifdSimulator model, DccCaptures.Case c) {
        String real = c.replyText();
        String ip = clientIp(c);
        String table = real.contains("reported:") ? real.substring(real.indexOf("reported:")) : null;
        if (table != null) {
            Integer prior = column(table, "Body");
            if (prior != null) {
                model.nextPriorReports(prior);
            }
            Integer total = column(table, "rep-total");
            Integer spam = column(table, "rep");
            model.reputation(ip, total == null ? 0 : total, spam == null ? 0 : spam).repPercent(ip, null);
            return;
        }
        Matcher b = BODY.matcher(real);
        if (b.find()) {
            model.nextShownCount(Integer.parseInt(b.group(1)));
        }
        Matcher p = REP.matcher(real);
        model.repPercent(ip, p.find() ? Integer.parseInt(p.group(1)) : -1);
    }

    /** The server column of a table row, or null when the row has none. */
    static Integer column(String table, String label) {
        Matcher m = Pattern.compile("\\n +" + Pattern.quote(label) + ": [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}( {1,7}\\d+|    many)?").matcher(table);
        if (!m.find() || m.group(1) == null || m.group(1).trim().equals("many")) {
            return null;
        }
        return Integer.parseInt(m.group(1).trim());
    }

    /** The client IP as dccifd takes it: request line 2 up to CR, or from the first Received: header for an empty line or 0.0.0.0. */
    static String clientIp(DccCaptures.Case c) {
        String line = c.requestLine(2);
        int cr = line.indexOf('\r');
        String ip = cr < 0 ? line : line.substring(0, cr);
        if (ip.isEmpty() || ip.equals("0.0.0.0")) {
            Matcher m = Pattern.compile("(?im)^Received:[^\\n]*\\[([0-9a-fA-F.:]+)\\]").matcher(c.requestText());
            ip = m.find() ? m.group(1) : "null";
        }
        return ip;
    }

    /** Line 1, line 2, and the rest of a reply. */
    static String[] split(String reply) {
        int a = reply.indexOf('\n');
        int b = a < 0 ? -1 : reply.indexOf('\n', a + 1);
        return new String[] {a < 0 ? reply : reply.substring(0, a), a < 0 ? "" : b < 0 ? reply.substring(a + 1) : reply.substring(a + 1, b),
            b < 0 ? "" : reply.substring(b + 1)};
    }

    static String normalize(String tail) {
        return HEX.matcher(tail).replaceAll("hhhhhhhh hhhhhhhh hhhhhhhh hhhhhhhh");
    }

    static String exchange(DccifdSimulator model, byte[] request, long[] tookMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", model.tcpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            s.shutdownOutput();
            long t0 = System.nanoTime();
            InputStream in = s.getInputStream();
            byte[] all = in.readAllBytes();
            tookMillis[0] = (System.nanoTime() - t0) / 1_000_000;
            return new String(all, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
