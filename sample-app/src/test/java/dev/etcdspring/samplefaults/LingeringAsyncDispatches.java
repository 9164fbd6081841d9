// One job: a fault for the sample's shutdown test: Tomcat lingers after each asynchronous dispatch.
package dev.etcdspring.samplefaults;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Added to the sample with {@code --spring.main.sources=} (outside the sample's packages, so nothing else scans it):
 * an engine valve that holds the container's thread for {@link #LINGER} after each asynchronous dispatch has been
 * through the application. That is the window in which Tomcat no longer counts the request as in progress but has
 * not yet finished its response; a busy machine opens it by chance, this opens it every time.
 */
@Configuration(proxyBeanMethods = false)
public class LingeringAsyncDispatches {

    /** The words the valve logs each time it lingers: the test checks that the fault was in place. */
    public static final String LINGERED = "Lingered after an asynchronous dispatch";

    private static final Duration LINGER = Duration.ofMillis(300);

    private static final Logger logger = LoggerFactory.getLogger(LingeringAsyncDispatches.class);

    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> lingeringValve() {
        return (factory) -> factory.addEngineValves(new ValveBase(true) {
            @Override
            public void invoke(Request request, Response response) throws IOException, ServletException {
                boolean dispatch = request.isAsyncDispatching();
                getNext().invoke(request, response);
                if (dispatch) {
                    try {
                        Thread.sleep(LINGER.toMillis());  // the fault itself: a delay, not a synchronisation
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                    logger.info(LINGERED);
                }
            }
        });
    }
}
