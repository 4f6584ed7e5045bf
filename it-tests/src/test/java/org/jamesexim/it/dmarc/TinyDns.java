package org.jamesexim.it.dmarc;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 * A DNS server on 127.0.0.1 (UDP, a free port) answering TXT queries from a map, SERVFAIL for the names in
 * {@link #servfail}, NXDOMAIN for the rest: what the DMARC and ARC hooks ask with {@code dns=127.0.0.1 PORT},
 * including the temporary failures James's own DNS service cannot show.
 */
final class TinyDns implements AutoCloseable {
    final Map<String, List<String>> txt = new ConcurrentHashMap<>();
    final Set<String> servfail = ConcurrentHashMap.newKeySet();
    private final DatagramSocket socket;
    private final Thread thread;

    TinyDns() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "tiny-dns");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    TinyDns txt(String name, String... records) {
        txt.put(name.toLowerCase(Locale.ROOT), List.of(records));
        return this;
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                byte[] out = answer(q).toWire(65535);
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private Message answer(Message q) throws IOException {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        Record question = q.getQuestion();
        r.addRecord(question, Section.QUESTION);
        String name = question.getName().toString(true).toLowerCase(Locale.ROOT);
        if (servfail.contains(name)) {
            r.getHeader().setRcode(Rcode.SERVFAIL);
            return r;
        }
        List<String> records = txt.get(name);
        if (records == null) {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
            return r;
        }
        if (question.getType() == Type.TXT) {
            for (String t : records) {
                List<String> chunks = new ArrayList<>();
                for (int i = 0; i < t.length(); i += 250) {
                    chunks.add(t.substring(i, Math.min(t.length(), i + 250)));
                }
                r.addRecord(new TXTRecord(Name.fromString(name + "."), DClass.IN, 60, chunks), Section.ANSWER);
            }
        }
        return r;
    }

    @Override
    public void close() {
        socket.close();
    }
}
