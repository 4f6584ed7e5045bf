package org.jamesexim.it.load;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * A stand-in DNS server for the load runs: answers TXT queries for the ARC key records it was given (UDP on
 * 127.0.0.1, TTL 1 s unless set, so that resolvers ask again every second), NXDOMAIN for anything else. {@link #silent(boolean)}
 * makes it drop every query: the resolvers behind ArcVerifyHook then time out ({@code dnsTimeout}), which is the
 * "DNS times out for ARC keys" fault of the fault run.
 */
final class StubDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<String, List<String>> txt = new ConcurrentHashMap<>();
    /** Names (and their subdomains) whose queries are dropped: the resolver times out on them alone. */
    private final java.util.Set<String> droppedZones = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean silent;
    private volatile long ttl = 1;
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger dropped = new AtomicInteger();
    /** Queries dropped because their name is under one given to {@link #drop(String)}. */
    final AtomicInteger droppedByName = new AtomicInteger();

    StubDns() throws IOException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "stub-dns");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The ArcVerifyHook / ArcSeal {@code dns} parameter for this server. */
    String address() {
        return "127.0.0.1 " + port();
    }

    StubDns txt(String name, String value) {
        txt.put(key(name), chunks(value));
        return this;
    }

    /** A TXT record of exactly these character-strings (each at most 255 octets). */
    StubDns txtStrings(String name, List<String> strings) {
        txt.put(key(name), List.copyOf(strings));
        return this;
    }

    /** Drops every query for {@code name} and the names under it (a DNS server that never answers for one zone). */
    StubDns drop(String name) {
        droppedZones.add(key(name));
        return this;
    }

    private boolean droppedName(String name) {
        for (String d : droppedZones) {
            if (name.equals(d) || name.endsWith("." + d)) {
                return true;
            }
        }
        return false;
    }

    /** TTL of the answers in seconds (default 1: resolvers ask again every second). */
    StubDns ttl(long seconds) {
        ttl = seconds;
        return this;
    }

    void silent(boolean on) {
        silent = on;
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private void serve() {
        byte[] buf = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                if (silent) {
                    dropped.incrementAndGet();
                    continue;
                }
                Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                Record question = q.getQuestion();
                Message r = new Message(q.getHeader().getID());
                r.getHeader().setFlag(Flags.QR);
                r.getHeader().setFlag(Flags.AA);
                r.addRecord(question, Section.QUESTION);
                String qname = key(question.getName().toString());
                if (droppedName(qname)) {
                    droppedByName.incrementAndGet();
                    continue;
                }
                List<String> value = txt.get(qname);
                if (value != null && question.getType() == Type.TXT) {
                    r.addRecord(new TXTRecord(question.getName(), DClass.IN, ttl, value), Section.ANSWER);
                } else if (value == null) {
                    r.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                byte[] out = r.toWire();
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                answered.incrementAndGet();
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private static List<String> chunks(String s) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.length(); i += 255) {
            out.add(s.substring(i, Math.min(s.length(), i + 255)));
        }
        return out;
    }

    static Name name(String s) throws IOException {
        return Name.fromString(s.endsWith(".") ? s : s + ".");
    }

    @Override
    public void close() {
        socket.close();
    }
}
