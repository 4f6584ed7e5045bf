package org.jamesexim.it.load;

import java.util.concurrent.atomic.AtomicLong;

import javax.inject.Inject;

import org.apache.james.events.Event;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.utils.GuiceProbe;

import com.google.inject.Module;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;

/**
 * Counts the messages James adds to any mailbox, from James's own mailbox event bus (a group listener registered once
 * at start, in every setup alike). The load runs wait on it instead of polling IMAP: polling one STATUS per mailbox
 * every 50 ms would spend James's CPU on the measurement itself, and SELECTing while mail is delivered trips James
 * 3.8.1's InVMEventBus (see FaultRun).
 */
public final class DeliveryCounter implements EventListener.GroupEventListener {
    /** The listener's group (James needs a public class with a no-argument constructor). */
    public static final class CounterGroup extends Group {
    }

    private final AtomicLong added = new AtomicLong();

    @Override
    public Group getDefaultGroup() {
        return new CounterGroup();
    }

    @Override
    public boolean isHandling(Event event) {
        return event instanceof MailboxEvents.Added;
    }

    @Override
    public void event(Event event) {
        if (event instanceof MailboxEvents.Added) {
            added.addAndGet(((MailboxEvents.Added) event).getUids().size());
        }
    }

    /** Messages added to any mailbox since James started. */
    public long added() {
        return added.get();
    }

    /** The Guice probe that registers the counter on James's event bus and hands it out. */
    public static final class Probe implements GuiceProbe {
        private final DeliveryCounter counter = new DeliveryCounter();

        @Inject
        Probe(EventBus eventBus) throws Exception {
            eventBus.register(counter);
        }

        public DeliveryCounter counter() {
            return counter;
        }
    }

    /** The module to pass to {@code JamesHarness.Builder.overrideWith}. */
    public static Module module() {
        return binder -> Multibinder.newSetBinder(binder, GuiceProbe.class).addBinding().to(Probe.class).in(Scopes.SINGLETON);
    }
}
