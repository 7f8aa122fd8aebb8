package org.packagerepository.http;

import org.junit.jupiter.api.Test;
import org.packagerepository.packages.PackageFile;
import org.packagerepository.packages.PackageListing;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BrowsePagesTest {

  private static final BrowsePages PAGES = new BrowsePages(new BrowsePages.Assets("/a.css", "/a.js"));

  @Test
  void textAndAttributesAreEscaped() {
    assertEquals("&lt;script&gt;&amp;&quot;&#39;", BrowsePages.escape("<script>&\"'"));
    assertEquals("a+b_c.d", BrowsePages.escape("a+b_c.d"));
    String page = PAGES.index(List.of(), 0, 0, "\"><script>alert(1)</script>");
    assertFalse(page.contains("<script>alert"), page);
    assertTrue(page.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""), page);
  }

  @Test
  void aCommandIsOneShellWordPerArgumentWhateverTheHostOrUser() {
    assertEquals("http://h:1/packages/a+b-1.0.0.tar.gz", BrowsePages.shellWord("http://h:1/packages/a+b-1.0.0.tar.gz"));
    assertEquals("'$(rm -rf x)'", BrowsePages.shellWord("$(rm -rf x)"));
    assertEquals("'it'\\''s'", BrowsePages.shellWord("it's"));
    BrowsePages.Commands commands = new BrowsePages.Commands("http://repo:8888", "ci-bot");
    assertEquals("curl -fO -u ci-bot http://repo:8888/packages/app-1.0.0.tar.gz", commands.curl("app-1.0.0.tar.gz"));
    assertEquals("wget --user=ci-bot --ask-password http://repo:8888/packages/app-1.0.0.tar.gz",
      commands.wget("app-1.0.0.tar.gz"));
  }

  @Test
  void sizesAreReadable() {
    assertEquals("999 B", BrowsePages.size(999L));
    assertEquals("1.0 KiB", BrowsePages.size(1024L));
    assertEquals("100 MiB", BrowsePages.size(100L * 1024 * 1024));
    assertEquals("—", BrowsePages.size(null));
  }

  @Test
  void aPackagePageListsTheVersionsInTheOrderGiven() {
    List<PackageListing.Stored> versions = List.of(
      new PackageListing.Stored(PackageFile.parse("app-2.0.0.tar.gz").orElseThrow(), 10L, "ab", 0L),
      new PackageListing.Stored(PackageFile.parse("app-1.0.0.tar.gz").orElseThrow(), 10L, null, 0L));
    String page = PAGES.packagePage("app", versions, new BrowsePages.Commands("http://h", null));
    assertTrue(page.indexOf("app-2.0.0.tar.gz") < page.indexOf("app-1.0.0.tar.gz"));
    assertTrue(page.contains("not known"), "a checksum not known is said so");
  }
}
