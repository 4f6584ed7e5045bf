package org.jamesexim.it.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.jamesexim.it.JamesHarness;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

import reactor.core.publisher.Mono;

/**
 * Why the pack's checks are listed in {@code healthcheck.properties}, run in a real James 3.8.1: a health check added
 * to {@code Set<HealthCheck>} by a {@code guice.extension.module} (the way James's own modules add theirs to the
 * server's injector) cannot work, since extension modules only make the child injector that instantiates
 * extensions, which may not bind the server's set again (James does not start: "Set&lt;HealthCheck&gt; was bound
 * multiple times"); the same class named in {@code additional.healthchecks} reaches WebAdmin's {@code /healthcheck},
 * instantiated through that child injector (its module's binding injected).
 */
class HealthCheckRegistrationTest {
    /** A binding only the extension module provides. */
    public interface Greeting {
        String text();
    }

    /** What an extension module may do: bindings for the classes it instantiates. */
    public static final class GreetingModule extends AbstractModule {
        @Override
        protected void configure() {
            bind(Greeting.class).toInstance(() -> "from the extension module");
        }
    }

    /** What James's own modules do to add a check to the server's set, tried from an extension module. */
    public static final class MultibindingModule extends AbstractModule {
        @Override
        protected void configure() {
            install(new GreetingModule());
            Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(ModuleBoundCheck.class);
        }
    }

    public static final class ModuleBoundCheck implements HealthCheck {
        private final Greeting greeting;

        @javax.inject.Inject
        public ModuleBoundCheck(Greeting greeting) {
            this.greeting = greeting;
        }

        @Override
        public ComponentName componentName() {
            return new ComponentName("Registration probe");
        }

        @Override
        public Publisher<Result> check() {
            return Mono.just(Result.degraded(componentName(), greeting.text()));
        }
    }

    @Test
    void aMultibindingInAnExtensionModuleCannotAddAHealthCheckAdditionalHealthchecksDoes() throws Exception {
        // the child injector cannot bind the server's Set<HealthCheck> again: James does not start
        assertThatThrownBy(() -> JamesHarness.builder().withoutDemo()
                .extraConfig("extensions.properties", "guice.extension.module=" + MultibindingModule.class.getName() + "\n").start().close())
            .hasStackTraceContaining("Set<HealthCheck> was bound multiple times");

        try (JamesHarness james = JamesHarness.builder().withoutDemo()
                .extraConfig("extensions.properties", "guice.extension.module=" + GreetingModule.class.getName() + "\n")
                .extraConfig("healthcheck.properties", "additional.healthchecks=" + ModuleBoundCheck.class.getName() + "\n").start()) {
            WebAdmin.Reply one = new WebAdmin(james.webAdminPort()).get("/healthcheck/checks/Registration%20probe");
            assertThat(one.status).as(one.toString()).isEqualTo(200);
            assertThat(one.json().get("status").asText()).isEqualTo("degraded");
            assertThat(one.json().get("cause").asText()).as("injected from the extension module").isEqualTo("from the extension module");
        }
    }
}
