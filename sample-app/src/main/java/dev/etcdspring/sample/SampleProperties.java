package dev.etcdspring.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sample's configuration, kept in etcd under {@code /config/sample-app/sample/} and rebound live when it changes
 * there: {@code sample/greeting}, {@code sample/banner/text}, {@code sample/banner/color},
 * {@code sample/features/<name>}.
 */
@ConfigurationProperties("sample")
public class SampleProperties {

    /**
     * What GET /greeting answers.
     */
    private String greeting = "hello";

    private final Banner banner = new Banner();

    /**
     * Feature flags, by name.
     */
    private final Map<String, Boolean> features = new LinkedHashMap<>();

    public String getGreeting() {
        return this.greeting;
    }

    public void setGreeting(String greeting) {
        this.greeting = greeting;
    }

    public Banner getBanner() {
        return this.banner;
    }

    public Map<String, Boolean> getFeatures() {
        return this.features;
    }

    /**
     * The banner at the top of the page.
     */
    public static class Banner {

        /**
         * Text of the banner.
         */
        private String text = "Configuration lives in etcd";

        /**
         * CSS colour of the banner.
         */
        private String color = "#2b6cb0";

        public String getText() {
            return this.text;
        }

        public void setText(String text) {
            this.text = text;
        }

        public String getColor() {
            return this.color;
        }

        public void setColor(String color) {
            this.color = color;
        }
    }
}
