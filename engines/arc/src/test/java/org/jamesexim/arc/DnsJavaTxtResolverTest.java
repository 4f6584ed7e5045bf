package org.jamesexim.arc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

/**
 * What a DNS server (anyone's, for a signer's zone) can answer, and what the resolver makes of it: NXDOMAIN and
 * NODATA are "no record" (cached), SERVFAIL and silence are temporary failures (never cached), CNAMEs are followed at
 * most {@value DnsJavaTxtResolver#MAX_CNAMES} deep, TXT strings are read as their bytes.
 */
class DnsJavaTxtResolverTest {
    static Name name(String s) {
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A dnsjava Resolver answering each query with what {@code answer} builds (or never, for null). */
    static Resolver resolver(AtomicInteger queries, Function<Message, Message> answer) {
        return (Resolver) Proxy.newProxyInstance(Resolver.class.getClassLoader(), new Class<?>[] {Resolver.class},
                (p, m, a) -> {
                    if (m.getName().equals("sendAsync") && a.length == 1) {
                        queries.incrementAndGet();
                        Message reply = answer.apply((Message) a[0]);
                        return reply == null ? new CompletableFuture<Message>() : CompletableFuture.completedFuture(reply);
                    }
                    if (m.getName().equals("send") && a.length == 1) {
                        queries.incrementAndGet();
                        Message reply = answer.apply((Message) a[0]);
                        if (reply == null) {
                            throw new java.net.SocketTimeoutException("timed out");
                        }
                        return reply;
                    }
                    return null;
                });
    }

    static Message reply(Message query, int rcode) {
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setRcode(rcode);
        r.addRecord(query.getQuestion(), Section.QUESTION);
        return r;
    }

    static DnsJavaTxtResolver dns(AtomicInteger queries, Function<Message, Message> answer) {
        return new DnsJavaTxtResolver(resolver(queries, answer), Duration.ofHours(1), Duration.ofMinutes(5),
                System::currentTimeMillis);
    }

    /** q → c1 → c2 → ... → c{hops} which holds the TXT record. */
    static Function<Message, Message> cnameChain(int hops) {
        return q -> {
            Message r = reply(q, Rcode.NOERROR);
            Name owner = q.getQuestion().getName();
            for (int i = 1; i <= hops; i++) {
                Name target = name("c" + i + ".cname.example");
                r.addRecord(new CNAMERecord(owner, DClass.IN, 300, target), Section.ANSWER);
                owner = target;
            }
            r.addRecord(new TXTRecord(owner, DClass.IN, 300, "v=DKIM1; p=KEY"), Section.ANSWER);
            return r;
        };
    }

    @Test
    void aKeyBehindCnamesIsFoundUpToTheLimit() throws Exception {
        AtomicInteger q = new AtomicInteger();
        assertThat(dns(q, cnameChain(0)).lookupTxt("s._domainkey.a.example")).containsExactly("v=DKIM1; p=KEY");
        assertThat(dns(q, cnameChain(2)).lookupTxt("s._domainkey.a.example")).containsExactly("v=DKIM1; p=KEY");
        assertThat(dns(q, cnameChain(DnsJavaTxtResolver.MAX_CNAMES)).lookupTxt("s._domainkey.a.example")).hasSize(1);
        assertThat(dns(q, cnameChain(DnsJavaTxtResolver.MAX_CNAMES + 1)).lookupTxt("s._domainkey.a.example")).isEmpty();
    }

    @Test
    void noRecordIsCachedAndAFailureIsTemporaryAndNotCached() throws Exception {
        AtomicInteger q = new AtomicInteger();
        DnsJavaTxtResolver nx = dns(q, m -> reply(m, Rcode.NXDOMAIN));
        assertThat(nx.lookupTxt("s._domainkey.a.example")).isEmpty();
        assertThat(nx.lookupTxt("s._domainkey.a.example")).isEmpty();
        assertThat(q).hasValue(1);
        DnsJavaTxtResolver nodata = dns(q, m -> reply(m, Rcode.NOERROR));
        assertThat(nodata.lookupTxt("s._domainkey.a.example")).isEmpty();
        q.set(0);
        DnsJavaTxtResolver servfail = dns(q, m -> reply(m, Rcode.SERVFAIL));
        assertThatThrownBy(() -> servfail.lookupTxt("s._domainkey.a.example"))
                .isInstanceOf(TxtResolver.TxtLookupException.class).hasMessageContaining("SERVFAIL");
        assertThatThrownBy(() -> servfail.lookupTxt("s._domainkey.a.example"))
                .isInstanceOf(TxtResolver.TxtLookupException.class);
        assertThat(q).hasValue(2);
    }

    @Test
    void aServerThatNeverAnswersIsATemporaryFailureAfterTheGivenWait() {
        AtomicInteger q = new AtomicInteger();
        DnsJavaTxtResolver silent = dns(q, m -> null);
        assertThatThrownBy(() -> silent.lookupTxt("s._domainkey.a.example", Duration.ofMillis(200)))
                .isInstanceOf(TxtResolver.TxtLookupException.class).hasMessageContaining("timed out after 200 ms");
    }

    @Test
    void txtStringsAreReadAsTheirBytes() throws Exception {
        AtomicInteger q = new AtomicInteger();
        DnsJavaTxtResolver dns = dns(q, m -> {
            Message r = reply(m, Rcode.NOERROR);
            r.addRecord(new TXTRecord(m.getQuestion().getName(), DClass.IN, 300, List.of("v=DKIM1; p=A\u0007", "B\"C")),
                    Section.ANSWER);
            return r;
        });
        assertThat(dns.lookupTxt("s._domainkey.a.example")).containsExactly("v=DKIM1; p=A\u0007B\"C");
    }
}
