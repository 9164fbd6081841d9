package dev.etcdspring.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * An application whose configuration lives in etcd: nested objects, lists and maps bound to
 * {@link DemoProperties}, and a {@code @Value}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableConfigurationProperties(ConfigTestApplication.DemoProperties.class)
class ConfigTestApplication {

    /**
     * The arguments of a start, then each default option they do not set themselves: a repeated option would add to
     * the first one (two endpoints, two imports) rather than replace it.
     *
     * @param args the test's own options
     * @param defaults options as {@code --name=value}
     * @return all the options
     */
    static String[] withDefaults(List<String> args, String... defaults) {
        List<String> all = new ArrayList<>(args);
        for (String option : defaults) {
            String name = option.substring(0, option.indexOf('=') + 1);
            if (all.stream().noneMatch((arg) -> arg.startsWith(name))) {
                all.add(option);
            }
        }
        return all.toArray(new String[0]);
    }

    @Bean
    Greeter greeter(@Value("${demo.title:untitled}") String title) {
        return new Greeter(title);
    }

    record Greeter(String title) {
    }

    @ConfigurationProperties("demo")
    static class DemoProperties {

        private String title = "default title";

        private String footer = "default footer";

        private final List<Server> servers = new ArrayList<>();

        private final Map<String, Boolean> flags = new LinkedHashMap<>();

        private final Nested nested = new Nested();

        public String getTitle() {
            return this.title;
        }

        public void setTitle(String title) {
            this.title = title;
        }

        public String getFooter() {
            return this.footer;
        }

        public void setFooter(String footer) {
            this.footer = footer;
        }

        public List<Server> getServers() {
            return this.servers;
        }

        public Map<String, Boolean> getFlags() {
            return this.flags;
        }

        public Nested getNested() {
            return this.nested;
        }

        static class Server {

            private String host;

            private int port;

            public String getHost() {
                return this.host;
            }

            public void setHost(String host) {
                this.host = host;
            }

            public int getPort() {
                return this.port;
            }

            public void setPort(int port) {
                this.port = port;
            }
        }

        static class Nested {

            private Duration timeout = Duration.ofSeconds(1);

            public Duration getTimeout() {
                return this.timeout;
            }

            public void setTimeout(Duration timeout) {
                this.timeout = timeout;
            }
        }
    }
}
