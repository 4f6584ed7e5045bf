package org.jamesexim.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A DNS server of the test's own, on 127.0.0.1 (UDP, a free port), for what the pack asks with
 * {@code dns=127.0.0.1 PORT} ({@link #address()}): TXT records from the test, NXDOMAIN for other names, and the faults
 * James's own DNS service cannot show: SERVFAIL for a name ({@link #servfail}), no answer for a zone ({@link #drop})
 * or for everything ({@link #silent}). Answers carry a TTL of 1 second unless {@link #ttl} says otherwise, so that
 * resolvers ask again every second. Where James's {@code DNSService} is enough, {@link LocalDns} answers in the JVM.
 */
public final class UdpDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<String, List<List<String>>> txt = new ConcurrentHashMap<>();
    private final Set<String> servfail = ConcurrentHashMap.newKeySet();
    private final Set<String> droppedZones = ConcurrentHashMap.newKeySet();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger droppedByName = new AtomicInteger();
    private volatile boolean silent;
    private volatile long ttl = 1;

    public UdpDns() throws IOException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(this::serve, "udp-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The pack's {@code dns} parameter for this server: {@code 127.0.0.1 PORT}. */
    public String address() {
        return "127.0.0.1 " + port();
    }

    /** {@code name} has these TXT records (each cut into character-strings of 255 octets), replacing any it had. */
    public UdpDns txt(String name, String... records) {
        List<List<String>> all = new ArrayList<>();
        for (String r : records) {
            List<String> chunks = new ArrayList<>();
            for (int i = 0; i < r.length(); i += 255) {
                chunks.add(r.substring(i, Math.min(r.length(), i + 255)));
            }
            all.add(chunks);
        }
        txt.put(key(name), List.copyOf(all));
        return this;
    }

    /** {@code name} has one TXT record of exactly these character-strings (each at most 255 octets). */
    public UdpDns txtStrings(String name, List<String> strings) {
        txt.put(key(name), List.of(List.copyOf(strings)));
        return this;
    }

    /** The TXT records of {@code name}, each as one text (its strings joined); empty when it has none. */
    public List<String> txtRecords(String name) {
        List<String> out = new ArrayList<>();
        for (List<String> r : txt.getOrDefault(key(name), List.of())) {
            out.add(String.join("", r));
        }
        return out;
    }

    /** Queries for {@code name} get SERVFAIL: a temporary failure. */
    public UdpDns servfail(String name) {
        servfail.add(key(name));
        return this;
    }

    /** Queries for {@code name} and the names under it are dropped (a DNS server that never answers for one zone). */
    public UdpDns drop(String name) {
        droppedZones.add(key(name));
        return this;
    }

    /** TTL of the answers in seconds (default 1). */
    public UdpDns ttl(long seconds) {
        ttl = seconds;
        return this;
    }

    /** While on, every query is dropped: resolvers time out. */
    public void silent(boolean on) {
        silent = on;
    }

    /** Queries answered (any rcode). */
    public int answered() {
        return answered.get();
    }

    /** Queries dropped while {@link #silent}. */
    public int dropped() {
        return dropped.get();
    }

    /** Queries dropped because their name is under one given to {@link #drop}. */
    public int droppedByName() {
        return droppedByName.get();
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private boolean inDroppedZone(String name) {
        for (String d : droppedZones) {
            if (name.equals(d) || name.endsWith("." + d)) {
                return true;
            }
        }
        return false;
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                if (silent) {
                    dropped.incrementAndGet();
                    continue;
                }
                Message q = new Message(Arrays.copyOf(p.getData(), p.getLength()));
                Record question = q.getQuestion();
                String name = key(question.getName().toString());
                if (inDroppedZone(name)) {
                    droppedByName.incrementAndGet();
                    continue;
                }
                byte[] out = answer(q, question, name).toWire();
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                answered.incrementAndGet();
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private Message answer(Message q, Record question, String name) {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        r.addRecord(question, Section.QUESTION);
        if (servfail.contains(name)) {
            r.getHeader().setRcode(Rcode.SERVFAIL);
            return r;
        }
        List<List<String>> records = txt.get(name);
        if (records == null) {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
        } else if (question.getType() == Type.TXT) {
            for (List<String> strings : records) {
                r.addRecord(new TXTRecord(question.getName(), DClass.IN, ttl, strings), Section.ANSWER);
            }
        }
        return r;
    }

    /** {@code s} as an absolute DNS name. */
    public static Name name(String s) throws IOException {
        return Name.fromString(s.endsWith(".") ? s : s + ".");
    }

    @Override
    public void close() {
        socket.close();
    }
}
