package org.packagerepository.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.packagerepository.auth.TokenHash;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browse pages as a person sees them, in a real browser (headless Chromium): the list and its filter, a package's
 * page and the commands it gives (copied with its button, then run), a phone's width, dark mode, JavaScript off,
 * escaping, and a login when reading needs one. Screenshots go to {@code target/browse-screenshots/}.
 */
class BrowsePageTest {

  private static final Path SCREENSHOTS = Path.of("target", "browse-screenshots");
  private static final String READER_TOKEN = "reader-token-0123456789";

  @TempDir
  Path packages;
  @TempDir
  Path downloads;

  private TestServer server;
  private ChromeDriver browser;
  /** What was uploaded, by file name. */
  private final Map<String, byte[]> uploaded = new LinkedHashMap<>();

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  private void start(JsonObject settings) throws Exception {
    server = TestServer.onFileSystem(packages, settings);
    browser = Chromium.start(1280, 900);
  }

  private void upload(String... files) throws Exception {
    int n = 0;
    for (String file : files) {
      byte[] bytes = TestBytes.random(3000 + 1000 * n, n++);
      assertEquals(200, server.client().put(file, bytes).statusCode());
      uploaded.put(file, bytes);
    }
  }

  private void open(String pathAndQuery) {
    browser.get(server.uri(pathAndQuery).toString());
  }

  /** The names of the rows shown, asked of the page in one go (a WebDriver call per row would take minutes). */
  @SuppressWarnings("unchecked")
  private List<String> visibleNames() {
    return (List<String>) browser.executeScript("return Array.from(document.querySelectorAll('#packages tbody tr'))"
      + ".filter(function (row) { return row.offsetParent !== null; })"
      + ".map(function (row) { return row.querySelector('td.name a').textContent; });");
  }

  @Test
  void theListShowsEachPackageWithItsNewestVersionAndTheFilterNarrowsItAsOneTypes() throws Exception {
    start(new JsonObject());
    upload("web-app-1.0.0.tar.gz", "web-app-1.10.0.tar.gz", "web-app-1.9.0.tar.gz", "api-2.0.0.tar.gz",
      "Web_Tools+x.y-0.1.0.tar.gz");
    open("/");
    assertEquals("Packages · package repository", browser.getTitle());
    assertEquals(List.of("Web_Tools+x.y", "api", "web-app"), visibleNames());
    WebElement webApp = browser.findElement(By.cssSelector("tr[data-name='web-app']"));
    List<WebElement> cells = webApp.findElements(By.tagName("td"));
    assertEquals("1.10.0", cells.get(1).getText(), "the newest by version, not by name");
    assertEquals("3.9 KiB", cells.get(2).getText(), "4,000 bytes");
    assertTrue(cells.get(0).getText().contains("3 versions"), cells.get(0).getText());
    assertTrue(browser.findElement(By.className("summary")).getText().contains("3 packages, 5 versions"));

    WebElement filter = browser.findElement(By.id("q"));
    filter.sendKeys("WEB");
    assertEquals(List.of("Web_Tools+x.y", "web-app"), visibleNames(), "case does not matter");
    assertEquals("2 of 3 match", browser.findElement(By.id("shown")).getText());
    assertTrue(browser.getCurrentUrl().endsWith("/?q=WEB"), "the filter is in the address: " + browser.getCurrentUrl());
    filter.sendKeys("-a");
    assertEquals(List.of("web-app"), visibleNames());
    filter.sendKeys("zzz");
    assertEquals(List.of(), visibleNames());
    assertTrue(browser.findElement(By.id("none")).isDisplayed());
    filter.clear();
    filter.sendKeys(" ");
    assertEquals(3, visibleNames().size());
    screenshot("desktop-list");
  }

  @Test
  void aPackagePageShowsEveryVersionNewestFirstAndItsCopiedCommandsFetchTheBytes() throws Exception {
    start(new JsonObject());
    upload("web-app-1.0.0.tar.gz", "web-app-1.10.0.tar.gz", "web-app-2.0.0-rc.1.tar.gz", "other-1.0.0.tar.gz");
    open("/");
    browser.findElement(By.linkText("web-app")).click();
    assertTrue(browser.getCurrentUrl().endsWith("/browse/web-app"), browser.getCurrentUrl());
    assertEquals("web-app", browser.findElement(By.tagName("h1")).getText());
    List<String> headings = new ArrayList<>();
    for (WebElement h2 : browser.findElements(By.cssSelector("section.version h2"))) {
      headings.add(h2.getText());
    }
    assertEquals(List.of("2.0.0-rc.1 newest", "1.10.0", "1.0.0"), headings, "the listing's order: newest first");
    String newest = "web-app-2.0.0-rc.1.tar.gz";
    assertEquals(TestBytes.sha256Hex(uploaded.get(newest)), browser.findElement(By.id("sha0")).getText());
    assertTrue(browser.findElement(By.id("v0")).getText().contains("(5,000 bytes)"));

    // What a copy button puts on the clipboard, seen through a stand-in for the clipboard.
    browser.executeScript("window.copied = []; navigator.clipboard.writeText = function (text) {"
      + " window.copied.push(text); return Promise.resolve(); };");
    WebElement copyCurl = browser.findElement(By.cssSelector("button[data-copy='curl0']"));
    assertTrue(copyCurl.isDisplayed(), "with JavaScript on, the copy buttons show");
    copyCurl.click();
    browser.findElement(By.cssSelector("button[data-copy='wget0']")).click();
    browser.findElement(By.cssSelector("button[data-copy='sha2']")).click();
    List<?> copied = (List<?>) browser.executeScript("return window.copied;");
    assertEquals(3, copied.size(), String.valueOf(copied));
    String curl = (String) copied.get(0);
    String wget = (String) copied.get(1);
    assertEquals(browser.findElement(By.id("curl0")).getText(), curl);
    assertEquals("curl -fO " + server.uri("/packages/" + newest), curl);
    assertEquals("wget " + server.uri("/packages/" + newest), wget);
    assertEquals(TestBytes.sha256Hex(uploaded.get("web-app-1.0.0.tar.gz")), copied.get(2));
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> "Copied".equals(copyCurl.getText()));

    // wget is not on every developer's machine; CI installs it.
    for (String command : Files.isExecutable(Path.of("/usr/bin/wget")) || "true".equals(System.getenv(
      "PR_REQUIRE_ALL_BACKENDS")) ? List.of(curl, wget) : List.of(curl)) {
      Path into = Files.createTempDirectory(downloads, "run-");
      run(command, into);
      assertEquals(TestBytes.sha256Hex(uploaded.get(newest)), TestBytes.sha256Hex(Files.readAllBytes(into.resolve(newest))),
        "what `" + command + "` fetched");
    }
    screenshot("desktop-package");
  }

  @Test
  void withJavaScriptOffTheFilterFormAsksTheServerAndNothingNeedsAScript() throws Exception {
    start(new JsonObject());
    upload("web-app-1.0.0.tar.gz", "api-2.0.0.tar.gz", "webhooks-0.3.0.tar.gz");
    browser.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", true));
    open("/");
    assertFalse(String.valueOf(browser.findElement(By.tagName("html")).getDomAttribute("class")).contains("js"));
    browser.findElement(By.id("q")).sendKeys("WEB" + Keys.ENTER);
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("q=WEB"));
    assertEquals(List.of("web-app", "webhooks"), visibleNames());
    assertTrue(browser.findElement(By.id("shown")).getText().startsWith("2 of 3 packages match “WEB”"),
      browser.findElement(By.id("shown")).getText());
    browser.findElement(By.linkText("web-app")).click();
    assertEquals("web-app", browser.findElement(By.tagName("h1")).getText());
    assertFalse(browser.findElement(By.cssSelector("button[data-copy='curl0']")).isDisplayed(),
      "a copy button that could not copy is not shown");
    assertTrue(browser.findElement(By.id("curl0")).getText().startsWith("curl -fO "), "the command is there to select");
  }

  @Test
  void whatAPersonTypesOrANameHoldsIsShownAsTextAndNeverRun() throws Exception {
    start(new JsonObject());
    upload("a+b_c.d-1.0.0.tar.gz");
    String attack = "\"><script>document.title='owned'</script><img src=x onerror=\"document.title='owned'\">'";
    open("/?q=" + URLEncoder.encode(attack, StandardCharsets.UTF_8));
    assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert());
    assertEquals("Packages · package repository", browser.getTitle());
    assertEquals(attack, browser.findElement(By.id("q")).getDomProperty("value"));
    assertTrue(browser.findElement(By.id("shown")).getText().contains(attack.strip()));
    assertEquals(0, browser.findElements(By.cssSelector("main img, main script")).size());

    open("/");
    browser.findElement(By.linkText("a+b_c.d")).click();
    assertEquals("a+b_c.d", browser.findElement(By.tagName("h1")).getText());
    assertEquals("a+b_c.d-1.0.0.tar.gz", browser.findElement(By.cssSelector("section.version dd a")).getText());

    open("/browse/" + URLEncoder.encode("<script>x</script>", StandardCharsets.UTF_8));
    assertEquals("Not found", browser.findElement(By.tagName("h1")).getText());
    HttpResponse<String> raw = server.client().call("GET", "/?q=%3Cscript%3E");
    assertFalse(raw.body().contains("<script>"), "the filter comes back escaped");
    assertTrue(raw.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
  }

  @Test
  void onAPhoneNothingScrollsSidewaysAndDarkModeIsDark() throws Exception {
    start(new JsonObject());
    upload("a-very-long-package-name-that-a-phone-must-wrap-somewhere-1.0.0.tar.gz",
      "a-very-long-package-name-that-a-phone-must-wrap-somewhere-1.1.0-rc.1+build.20261205.tar.gz",
      "api-2.0.0.tar.gz");
    browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 390, "height", 844,
      "deviceScaleFactor", 2, "mobile", true));
    for (String scheme : List.of("light", "dark")) {
      browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
        List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
      for (String page : List.of("/", "/browse/a-very-long-package-name-that-a-phone-must-wrap-somewhere")) {
        open(page);
        long overflow = (Long) browser.executeScript(
          "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertTrue(overflow <= 0, page + " scrolls sideways by " + overflow + " px on a phone");
        double background = luminance((String) browser.executeScript(
          "return getComputedStyle(document.body).backgroundColor;"));
        double text = luminance((String) browser.executeScript("return getComputedStyle(document.body).color;"));
        if (scheme.equals("dark")) {
          assertTrue(background < 0.1 && text > 0.6, "dark: background " + background + ", text " + text);
        } else {
          assertTrue(background > 0.9 && text < 0.2, "light: background " + background + ", text " + text);
        }
        screenshot("phone-" + scheme + (page.equals("/") ? "-list" : "-package"));
      }
    }
  }

  @Test
  void withAnonymousReadingOffThePagesNeedALoginAndShowNothingBefore() throws Exception {
    JsonObject users = new JsonObject().put("reader", new JsonObject().put("token", TokenHash.format(READER_TOKEN))
      .put("permissions", new JsonArray().add("read")));
    start(new JsonObject().put("auth", new JsonObject().put("anonymous_read", false).put("users", users)));
    byte[] bytes = TestBytes.random(4000, 7);
    Files.write(packages.resolve("secret-app-1.0.0.tar.gz"), bytes);

    for (String path : List.of("/", "/browse/secret-app", "/?q=secret")) {
      HttpResponse<String> anonymous = server.client().call("GET", path);
      assertEquals(401, anonymous.statusCode(), path);
      assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), path);
      assertFalse(anonymous.body().contains("secret-app"), path + " shows nothing before the login");
    }
    open("/");
    assertFalse(browser.getPageSource().contains("secret-app"));

    // The browser's own Basic login: credentials in the address, as a person's answer to the prompt.
    browser.get("http://reader:" + READER_TOKEN + "@127.0.0.1:" + server.port() + "/");
    assertEquals(List.of("secret-app"), visibleNames());
    browser.findElement(By.linkText("secret-app")).click();
    String curl = browser.findElement(By.id("curl0")).getText();
    assertEquals("curl -fO -u reader " + server.uri("/packages/secret-app-1.0.0.tar.gz"), curl,
      "the command names the user; curl asks for the token");
    Path into = Files.createTempDirectory(downloads, "run-");
    run(curl.replace("-u reader ", "-u reader:" + READER_TOKEN + " "), into);
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(Files.readAllBytes(into.resolve("secret-app-1.0.0.tar.gz"))));
  }

  @Test
  void behindATrustedProxyTheCommandsUseTheAddressTheBrowserUsed() throws Exception {
    String[] forwarded = {"X-Forwarded-Proto", "https", "X-Forwarded-Host", "repo.example.com"};
    server = TestServer.onFileSystem(packages, new JsonObject().put("trusted_proxies", new JsonArray().add("127.0.0.1")));
    server.client().upload("app-1.0.0.tar.gz", TestBytes.random(100, 1));
    String page = server.client().send(server.client().request("/browse/app", forwarded).GET().build(),
      HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(page.contains(">curl -fO https://repo.example.com/packages/app-1.0.0.tar.gz<"), page);
    server.close();

    // From a peer that is not a trusted proxy, the same headers prove nothing.
    server = TestServer.onFileSystem(packages, new JsonObject());
    page = server.client().send(server.client().request("/browse/app", forwarded).GET().build(),
      HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(page.contains(">curl -fO " + server.uri("/packages/app-1.0.0.tar.gz") + "<"), page);
  }

  @Test
  void tenThousandPackagesAreOnePageThatTheFilterNarrowsToOne() throws Exception {
    for (int i = 0; i < 10_000; i++) {
      Files.write(packages.resolve(String.format("pkg-%05d-1.0.%d.tar.gz", i, i % 7)), new byte[] {(byte) i});
    }
    start(new JsonObject());
    long started = System.nanoTime();
    open("/");
    long loaded = System.nanoTime();
    assertEquals(10_000, browser.findElements(By.cssSelector("#packages tbody tr")).size());
    // Typed as a person types, one key at a time: each keystroke filters the 10,000 rows.
    browser.findElement(By.id("q")).sendKeys("pkg-04242");
    assertEquals(List.of("pkg-04242"), visibleNames());
    Number keystroke = (Number) browser.executeScript("var q = document.getElementById('q'); q.value = 'pkg-0424';"
      + "var t = performance.now(); q.dispatchEvent(new Event('input')); document.body.offsetHeight;"
      + "return performance.now() - t;");
    assertEquals(10, visibleNames().size());
    HttpResponse<byte[]> plain = server.client().send(server.client().request("/").GET().build(),
      HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> gzipped = server.client().send(server.client().request("/", "Accept-Encoding", "gzip")
      .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    System.out.printf("10,000 packages: page loaded in %d ms; a keystroke of the filter took %.0f ms; "
        + "%,d bytes, %,d gzipped (%s)%n", TimeUnit.NANOSECONDS.toMillis(loaded - started), keystroke.doubleValue(),
      plain.body().length, gzipped.body().length, gzipped.headers().firstValue("Content-Encoding").orElse("not yet"));
  }

  /** Runs a command as a person would paste it into a shell, in {@code directory}. */
  private static void run(String command, Path directory) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("sh", "-c", command).directory(directory.toFile())
      .redirectErrorStream(true).redirectOutput(directory.resolve(".output").toFile()).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
    assertEquals(0, process.exitValue(), command + ": " + Files.readString(directory.resolve(".output")));
  }

  private void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
  }

  /** Relative luminance of a CSS {@code rgb(r, g, b)} colour, 0 (black) to 1 (white). */
  private static double luminance(String rgb) {
    String[] parts = rgb.replaceAll("[^0-9,.]", "").split(",");
    return (0.2126 * Double.parseDouble(parts[0]) + 0.7152 * Double.parseDouble(parts[1])
      + 0.0722 * Double.parseDouble(parts[2])) / 255;
  }
}
