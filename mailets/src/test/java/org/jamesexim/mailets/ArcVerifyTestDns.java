package org.jamesexim.mailets;

import java.lang.reflect.Proxy;
import java.util.List;

import org.apache.james.dnsservice.api.DNSService;

/** A James DNSService for ARC glue tests: every TXT name answers "no record". */
final class ArcVerifyTestDns {
    private ArcVerifyTestDns() {
    }

    static DNSService none() {
        return (DNSService) Proxy.newProxyInstance(DNSService.class.getClassLoader(), new Class<?>[] {DNSService.class},
            (proxy, method, args) -> {
                if (method.getName().equals("findTXTRecords")) {
                    return List.of();
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }
}
