package dev.etcdspring.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.ApplicationStartup;

/**
 * The application the Spring Boot measurements start: auto-configuration (the starter's included) and one
 * {@code @ConfigurationProperties} bean that live refresh rebinds.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableConfigurationProperties(BenchApplication.DemoProperties.class)
public class BenchApplication {

    /**
     * Starts the application without a web server, quietly.
     *
     * @param listener a listener to add, or {@code null}
     * @param args the application's arguments
     * @return the running context
     */
    static ConfigurableApplicationContext start(ApplicationListener<?> listener, String... args) {
        return start(listener, null, args);
    }

    /**
     * Starts the application without a web server, quietly, recording its start-up steps.
     *
     * @param listener a listener to add, or {@code null}
     * @param startup records the start-up steps, or {@code null}
     * @param args the application's arguments
     * @return the running context
     */
    static ConfigurableApplicationContext start(ApplicationListener<?> listener, ApplicationStartup startup,
            String... args) {
        List<String> all = new ArrayList<>(List.of("--spring.main.banner-mode=off", "--logging.level.root=warn",
                "--spring.main.log-startup-info=false"));
        all.addAll(Arrays.asList(args));
        SpringApplicationBuilder builder = new SpringApplicationBuilder(BenchApplication.class)
            .web(WebApplicationType.NONE);
        if (listener != null) {
            builder.listeners(listener);
        }
        if (startup != null) {
            builder.applicationStartup(startup);
        }
        return builder.run(all.toArray(new String[0]));
    }

    /** {@code demo.*}: what live refresh rebinds. */
    @ConfigurationProperties("demo")
    public static class DemoProperties {

        /** A title. */
        private String title = "untitled";

        public String getTitle() {
            return this.title;
        }

        public void setTitle(String title) {
            this.title = title;
        }
    }
}
