package org.jamesexim.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

import org.jamesexim.common.Endpoint;
import org.jamesexim.dsn.DeliveryStatusReport;
import org.jamesexim.dsn.RemoteMta;
import org.jamesexim.dsn.SmtpFailure;

/**
 * {@code dsn-probe}: opens an SMTP session to a server (greeting, EHLO, MAIL, RCPT, then RSET and QUIT; no message
 * is sent) and prints the per-recipient {@code message/delivery-status} block that DsnInfoBounce would write if that
 * server refused the recipient, with the DSN extra information. Exit code: 0 the recipient was accepted (the block
 * shows what a later failure would carry), 1 refused, 75 the server could not be reached or did not answer in time.
 */
public final class DsnProbeCommand implements CliCommand {
    @Override
    public String name() {
        return "dsn-probe";
    }

    @Override
    public String summary() {
        return "what a bounce from this server would carry: dsn-probe --server 'host port' --to RCPT [--from S] [--helo NAME] [--timeout 30s]";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of(), Set.of("server", "to", "from", "helo", "timeout"));
        String server = a.get("server", null);
        String to = a.get("to", null);
        if (server == null || to == null) {
            throw new UsageException("--server 'host port' and --to RCPT are required");
        }
        Endpoint endpoint;
        Duration timeout;
        try {
            endpoint = Endpoint.parse(server);
            timeout = Duration.parse("PT" + a.get("timeout", "30s").toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            throw new UsageException("bad --server or --timeout: " + e.getMessage());
        }
        if (endpoint.isUnix()) {
            throw new UsageException("--server must be 'host port'");
        }
        String from = a.get("from", "");
        String helo = a.get("helo", "localhost");
        try (Socket s = endpoint.connect(timeout, timeout)) {
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream w = s.getOutputStream();
            String address = ((InetSocketAddress) s.getRemoteSocketAddress()).getAddress().getHostAddress();
            String greeting = reply(r);
            String heloResponse = null;
            SmtpFailure failure = null;
            if (!greeting.startsWith("2")) {
                failure = SmtpFailure.of(SmtpFailure.INITIAL_CONNECTION, greeting);
            } else {
                heloResponse = command(w, r, "EHLO " + helo);
                if (!heloResponse.startsWith("2")) {
                    heloResponse = command(w, r, "HELO " + helo);
                }
                for (String cmd : List.of("MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">")) {
                    if (failure == null) {
                        String rep = command(w, r, cmd);
                        if (!rep.startsWith("2")) {
                            failure = SmtpFailure.of(cmd, rep);
                        }
                    }
                }
                command(w, r, "RSET");
                command(w, r, "QUIT");
            }
            RemoteMta mta = RemoteMta.of(endpoint.host(), address, endpoint.port(), greeting, heloResponse);
            String block = DeliveryStatusReport.builder("localhost").dsnInfo(true)
                .failed(to, mta, failure, failure == null ? "(accepted: no failure)" : null, ZonedDateTime.now()).build().text();
            out.print(block.substring(block.indexOf("\r\n\r\n") + 4).replace("\r\n", "\n"));
            return failure == null ? 0 : 1;
        } catch (IOException e) {
            err.println("cannot talk to " + server + ": " + e.getMessage());
            return 75;
        }
    }

    private static String command(OutputStream w, BufferedReader r, String cmd) throws IOException {
        w.write((cmd + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        w.flush();
        return reply(r);
    }

    /** One whole reply, lines joined with \n; a line without a code ends it too (a broken server). */
    private static String reply(BufferedReader r) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int lines = 0; lines < 100; lines++) {
            String line = r.readLine();
            if (line == null) {
                throw new IOException("connection closed by the server");
            }
            b.append(line).append('\n');
            if (line.length() < 4 || line.charAt(3) != '-') {
                break;
            }
        }
        return b.toString();
    }
}
