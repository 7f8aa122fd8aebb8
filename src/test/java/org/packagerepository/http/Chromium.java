package org.packagerepository.http;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Debian's Chromium driven by its ChromeDriver, headless, for tests of the pages people see. On a developer's machine
 * without them the tests are skipped with a message saying how to get them; with {@code PR_REQUIRE_ALL_BACKENDS=true}
 * (CI) their absence is a failure.
 */
public final class Chromium {

  private static final Path BROWSER = Path.of(System.getenv().getOrDefault("PR_CHROMIUM", "/usr/bin/chromium"));
  private static final Path DRIVER = Path.of(System.getenv().getOrDefault("PR_CHROMEDRIVER", "/usr/bin/chromedriver"));

  private Chromium() {
  }

  /** A new headless browser, its window {@code width} × {@code height} CSS pixels; the caller quits it. */
  public static ChromeDriver start(int width, int height) {
    if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
      String message = "Chromium or ChromeDriver is missing (" + BROWSER + ", " + DRIVER + "): install Debian's "
        + "packages with `apt-get install chromium chromium-driver`, or name them in PR_CHROMIUM and PR_CHROMEDRIVER";
      if ("true".equals(System.getenv("PR_REQUIRE_ALL_BACKENDS"))) {
        throw new AssertionError(message + " (PR_REQUIRE_ALL_BACKENDS=true: a missing browser is a failure)");
      }
      Assumptions.abort(message);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
      "--no-first-run", "--disable-extensions", "--disable-background-networking", "--disable-sync",
      "--window-size=" + width + "," + height, "--lang=en-US");
    // Nothing to download: the driver is given, so Selenium Manager is never asked to find one.
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(new File(DRIVER.toString()))
      .usingAnyFreePort()
      .withEnvironment(Map.of("SE_AVOID_STATS", "true"))
      .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }
}
