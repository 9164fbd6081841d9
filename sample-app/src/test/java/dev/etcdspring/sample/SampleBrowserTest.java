package dev.etcdspring.sample;

import java.io.File;
import java.time.Duration;

import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's page in a real browser (Debian's headless {@code chromium} through its {@code chromium-driver}; no
 * browser or driver is downloaded): a change written to etcd appears on the page without a reload, and a visit
 * counts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class SampleBrowserTest {

    private static final File CHROMIUM = new File(System.getProperty("chromium.binary", "/usr/bin/chromium"));

    private static final File CHROMEDRIVER = new File(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @BeforeAll
    static void configurationInEtcd() {
        // Fails rather than skips: a browser test that does not run proves nothing.
        assertThat(CHROMIUM.canExecute()).as(CHROMIUM + ": sudo apt-get install -y chromium chromium-driver").isTrue();
        assertThat(CHROMEDRIVER.canExecute()).as(CHROMEDRIVER + ": sudo apt-get install -y chromium chromium-driver")
            .isTrue();
        System.setProperty("etcd.endpoints", etcd.endpoint());
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).build()) {
            etcdTemplate.set("/config/sample-app/sample/greeting", "Hello, browser");
            etcdTemplate.set("/config/sample-app/sample/features/dark-mode", "false");
        }
    }

    @AfterAll
    static void forgetTheEndpoint() {
        System.clearProperty("etcd.endpoints");
    }

    @LocalServerPort
    int port;

    private WebDriver browser;

    @BeforeEach
    void openBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
            .usingAnyFreePort()
            .build();
        this.browser = new ChromeDriver(driver, options);
    }

    @AfterEach
    void closeBrowser() {
        if (this.browser != null) {
            this.browser.quit();
        }
    }

    @Test
    void aChangeInEtcdAppearsOnThePageWithoutAReload() {
        this.browser.get("http://127.0.0.1:" + this.port + "/");
        WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.textToBe(By.id("greeting"), "Hello, browser"));
        wait.until(ExpectedConditions.textToBe(By.id("status"), "live"));
        // A mark on this very page: a reload would lose it.
        ((JavascriptExecutor) this.browser).executeScript("window.notReloaded = true;");

        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).build()) {
            etcdTemplate.set("/config/sample-app/sample/greeting", "Changed while you watched");
            etcdTemplate.set("/config/sample-app/sample/features/dark-mode", "true");
        }

        wait.until(ExpectedConditions.textToBe(By.id("greeting"), "Changed while you watched"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("features"), "dark-mode on"));
        assertThat(((JavascriptExecutor) this.browser).executeScript("return window.notReloaded === true;"))
            .isEqualTo(true);

        String before = this.browser.findElement(By.id("visits")).getText();
        this.browser.findElement(By.id("visit")).click();
        wait.until(ExpectedConditions.textToBe(By.id("visits"), Long.toString(Long.parseLong(before) + 1)));

        // The only instance leads: the page names it as the leader, and shows its job's runs as they come.
        wait.until(ExpectedConditions.textToBe(By.id("leading"), "the leader, runs the job"));
        String instance = this.browser.findElement(By.id("instance")).getText();
        assertThat(instance).endsWith(":" + this.port);
        wait.until(ExpectedConditions.textToBe(By.id("leader"), instance));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("last-run"), "by " + instance));
    }
}
