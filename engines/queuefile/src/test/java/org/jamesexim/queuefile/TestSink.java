package org.jamesexim.queuefile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A sink for the hostile-input tests: remembers what was enqueued; can be told to fail temporarily. */
final class TestSink implements RequeueSink {
    final Map<String, SpooledMessage> held = new ConcurrentHashMap<>();
    final List<String> enqueued = new ArrayList<>();
    Exception failWith;

    @Override
    public synchronized void enqueue(String key, SpooledMessage message) throws Exception {
        if (failWith != null) {
            throw failWith;
        }
        enqueued.add(key);
        held.put(key, message);
    }

    @Override
    public boolean contains(String key) {
        return held.containsKey(key);
    }
}
