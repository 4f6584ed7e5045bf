package org.jamesexim.dovecot;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The line format of Dovecot's auth protocol: {@code CMD\targ\t...\n}, values escaped with {@code \001}
 * ({@code \0011}=\001, {@code \001t}=TAB, {@code \001r}=CR, {@code \001n}=LF, {@code \0010}=NUL).
 */
final class DovecotWire {
    /** Dovecot 2.3 drops a client that sends a longer line ("sent us more than 16384 bytes"). */
    static final int MAX_CLIENT_LINE = 16384;
    /** Longest reply line accepted; passdb extra fields can make OK lines long. */
    static final int MAX_SERVER_LINE = 65536;
    /** Most TAB-separated fields accepted in one reply line (command, id and parameters). */
    static final int MAX_FIELDS = 256;

    private DovecotWire() {
    }

    static String escape(String value) {
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String rep;
            switch (c) {
                case '\001': rep = "\0011"; break;
                case '\t': rep = "\001t"; break;
                case '\r': rep = "\001r"; break;
                case '\n': rep = "\001n"; break;
                case '\0': rep = "\0010"; break;
                default: rep = null;
            }
            if (rep != null && sb == null) {
                sb = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            if (sb != null) {
                if (rep != null) {
                    sb.append(rep);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? value : sb.toString();
    }

    static String unescape(String value) {
        int i = value.indexOf('\001');
        if (i < 0) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length()).append(value, 0, i);
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\001' && i + 1 < value.length()) {
                char n = value.charAt(++i);
                switch (n) {
                    case '0': sb.append('\0'); break;
                    case '1': sb.append('\001'); break;
                    case 't': sb.append('\t'); break;
                    case 'r': sb.append('\r'); break;
                    case 'n': sb.append('\n'); break;
                    default: sb.append(n);
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static String base64(byte[] data) {
        return Base64.getEncoder().encodeToString(data);
    }

    /** Decodes base64 strictly ({@code [A-Za-z0-9+/=]}); throws IllegalArgumentException on anything else. */
    static byte[] unbase64(String text) {
        return Base64.getDecoder().decode(text);
    }

    /**
     * The TAB-separated fields of a line.
     *
     * @throws DovecotProtocolException when there are more than {@link #MAX_FIELDS}
     */
    static List<String> split(String line) throws DovecotProtocolException {
        List<String> out = new ArrayList<>(6);
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '\t') {
                if (out.size() + 1 >= MAX_FIELDS) {
                    throw new DovecotProtocolException("Dovecot sent a line with more than " + MAX_FIELDS + " fields");
                }
                out.add(line.substring(start, i));
                start = i + 1;
            }
        }
        out.add(line.substring(start));
        return out;
    }

    /** {@code name=value} fields (unescaped) and bare flags (mapped to "") from index {@code from} on. */
    static LinkedHashMap<String, String> params(List<String> fields, int from) {
        LinkedHashMap<String, String> map = new LinkedHashMap<>();
        for (int i = from; i < fields.size(); i++) {
            String f = fields.get(i);
            if (f.isEmpty()) {
                continue;
            }
            int eq = f.indexOf('=');
            if (eq < 0) {
                map.putIfAbsent(unescape(f), "");
            } else {
                map.putIfAbsent(unescape(f.substring(0, eq)), unescape(f.substring(eq + 1)));
            }
        }
        return map;
    }

    /** A line of text for an error message: the command word only, never the rest (it may hold user data). */
    static String describe(String line) {
        int tab = line.indexOf('\t');
        String head = tab < 0 ? line : line.substring(0, tab);
        if (head.length() > 20) {
            head = head.substring(0, 20) + "...";
        }
        StringBuilder sb = new StringBuilder();
        for (char c : head.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return "'" + sb + "'";
    }

    /**
     * Reads LF-terminated lines. Keeps a partial line across a {@link java.net.SocketTimeoutException}, so a
     * timeout tick in the middle of a line loses nothing. A line that has not ended by the deadline given to
     * {@link #readLine(long)} ends the call with a SocketTimeoutException however the bytes trickle in (each read may
     * bring one byte well within the socket timeout). Not thread-safe: one reader thread per connection.
     */
    static final class LineReader {
        private final InputStream in;
        private final int maxLine;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int limit;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream(256);

        LineReader(InputStream in, int maxLine) {
            this.in = in;
            this.maxLine = maxLine;
        }

        /** The next line without its LF (and a CR before it), decoded as UTF-8; no deadline but the socket's. */
        String readLine() throws IOException {
            return readLine(0);
        }

        /**
         * The next line, or a SocketTimeoutException once {@code deadline} ({@link System#nanoTime()} based; 0 for
         * none) has passed before it ended; the part read so far is kept for the next call.
         */
        String readLine(long deadline) throws IOException {
            while (true) {
                for (int i = pos; i < limit; i++) {
                    if (buf[i] == '\n') {
                        if (partial.size() == 0) {
                            // the whole line is in the buffer: decode it in place
                            int start = pos;
                            int end = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                            pos = i + 1;
                            if (i - start > maxLine) {
                                throw new DovecotProtocolException("Dovecot sent a line longer than " + maxLine + " bytes");
                            }
                            return new String(buf, start, end - start, StandardCharsets.UTF_8);
                        }
                        partial.write(buf, pos, i - pos);
                        pos = i + 1;
                        checkLength();
                        byte[] bytes = partial.toByteArray();
                        partial.reset();
                        int len = bytes.length;
                        if (len > 0 && bytes[len - 1] == '\r') {
                            len--;
                        }
                        return new String(bytes, 0, len, StandardCharsets.UTF_8);
                    }
                }
                partial.write(buf, pos, limit - pos);
                pos = 0;
                limit = 0;
                checkLength();
                if (deadline != 0 && System.nanoTime() - deadline >= 0) {
                    throw new java.net.SocketTimeoutException("no complete line from Dovecot in time");
                }
                int n = in.read(buf);
                if (n < 0) {
                    throw new EOFException(partial.size() == 0 ? "Dovecot closed the connection"
                        : "Dovecot closed the connection in the middle of a line");
                }
                limit = n;
            }
        }

        private void checkLength() throws DovecotProtocolException {
            if (partial.size() > maxLine) {
                throw new DovecotProtocolException("Dovecot sent a line longer than " + maxLine + " bytes");
            }
        }
    }
}
