package org.packagerepository.http;

import org.packagerepository.packages.PackageListing;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The HTML of the browse pages, rendered on the server so that they work with JavaScript off: the list of packages
 * and a page per package. Everything that comes from outside (names, versions, the filter, the host) is escaped for
 * where it goes: HTML text and attributes, and the shell commands shown to be copied.
 */
final class BrowsePages {

  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
    .withZone(ZoneOffset.UTC);
  /** What a shell takes as one word as it is; anything else is single-quoted. */
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9._~:/@%+=,-]+");

  /** The parts of a page that do not depend on the repository: where its stylesheet and script are. */
  record Assets(String stylesheet, String script) {
  }

  /** One package of the list: its newest version and how many it has. */
  record Summary(PackageListing.Stored newest, int versions) {
  }

  /** How a download command authenticates: not at all, or as this user (curl and wget ask for the token). */
  record Commands(String origin, String user) {

    String curl(String file) {
      String url = shellWord(origin + PackagePath.PREFIX + file);
      return user == null ? "curl -fO " + url : "curl -fO -u " + shellWord(user) + " " + url;
    }

    String wget(String file) {
      String url = shellWord(origin + PackagePath.PREFIX + file);
      return user == null ? "wget " + url : "wget --user=" + shellWord(user) + " --ask-password " + url;
    }
  }

  private final Assets assets;

  BrowsePages(Assets assets) {
    this.assets = assets;
  }

  /**
   * The list of packages.
   *
   * @param filter what the names must contain (case does not matter), or null: all of them
   */
  String index(List<Summary> packages, int total, int versions, String filter) {
    StringBuilder html = new StringBuilder(256 + packages.size() * 224);
    head(html, "Packages");
    html.append("<h1>Packages</h1>\n<p class=\"summary\">").append(count(total, "package")).append(", ")
      .append(count(versions, "version")).append("</p>\n");
    html.append("<form class=\"filter\" method=\"get\" action=\"/\" role=\"search\">"
      + "<label for=\"q\">Filter by name</label>"
      + "<input id=\"q\" type=\"search\" name=\"q\" autocomplete=\"off\" spellcheck=\"false\" placeholder=\"part of a name\"");
    if (filter != null) {
      html.append(" value=\"").append(escape(filter)).append('"');
    }
    html.append("><button type=\"submit\">Filter</button></form>\n");
    html.append("<p id=\"shown\" class=\"shown\" aria-live=\"polite\">");
    if (filter != null) {
      html.append(packages.size()).append(" of ").append(count(total, "package")).append(" match “")
        .append(escape(filter)).append("”. <a href=\"/\">Show all</a>");
    }
    html.append("</p>\n");
    html.append("<table id=\"packages\" class=\"packages\"><thead><tr><th scope=\"col\">Package</th>"
      + "<th scope=\"col\">Newest version</th><th scope=\"col\" class=\"num\">Size</th><th scope=\"col\">Uploaded</th>"
      + "</tr></thead>\n<tbody>\n");
    for (Summary summary : packages) {
      PackageListing.Stored newest = summary.newest();
      String name = escape(newest.file().name());
      html.append("<tr data-name=\"").append(escape(newest.file().name().toLowerCase(Locale.ROOT)))
        .append("\"><td class=\"name\"><a href=\"/browse/").append(name).append("\">").append(name).append("</a>");
      if (summary.versions() > 1) {
        html.append(" <span class=\"count\">").append(count(summary.versions(), "version")).append("</span>");
      }
      html.append("</td><td class=\"version\">").append(escape(newest.file().version().text()))
        .append("</td><td class=\"num\">").append(size(newest.size())).append("</td><td>").append(date(newest.modified()))
        .append("</td></tr>\n");
    }
    html.append("</tbody></table>\n<p id=\"none\" class=\"none\"").append(packages.isEmpty() ? "" : " hidden")
      .append(">").append(total == 0 ? "No package has been uploaded yet." : "No package name contains that.")
      .append("</p>\n");
    return foot(html);
  }

  /** The page of one package: its versions, newest first, each with its checksum and the commands that fetch it. */
  String packagePage(String name, List<PackageListing.Stored> versions, Commands commands) {
    StringBuilder html = new StringBuilder(1024 + versions.size() * 1024);
    head(html, name);
    html.append("<p class=\"back\"><a href=\"/\">← All packages</a></p>\n<h1>").append(escape(name)).append("</h1>\n");
    html.append("<p class=\"summary\">").append(count(versions.size(), "version")).append(", newest first</p>\n");
    int i = 0;
    for (PackageListing.Stored version : versions) {
      String file = version.file().fileName();
      html.append("<section class=\"version\" id=\"v").append(i).append("\"><h2>")
        .append(escape(version.file().version().text()));
      if (i == 0) {
        html.append(" <span class=\"badge\">newest</span>");
      }
      html.append("</h2>\n<dl>");
      html.append("<dt>File</dt><dd><a href=\"").append(PackagePath.PREFIX).append(escape(file)).append("\">")
        .append(escape(file)).append("</a></dd>");
      html.append("<dt>Size</dt><dd>").append(size(version.size()));
      if (version.size() != null) {
        html.append(" <span class=\"exact\">(").append(String.format(Locale.ROOT, "%,d", version.size()))
          .append(" bytes)</span>");
      }
      html.append("</dd><dt>Uploaded</dt><dd>").append(date(version.modified())).append("</dd>");
      html.append("<dt>SHA-256</dt><dd>");
      if (version.sha256() == null) {
        html.append("not known");
      } else {
        copyable(html, "sha" + i, "sha", version.sha256());
      }
      html.append("</dd></dl>\n");
      html.append("<div class=\"commands\">");
      copyable(html, "curl" + i, "cmd", commands.curl(file));
      copyable(html, "wget" + i, "cmd", commands.wget(file));
      html.append("</div>\n</section>\n");
      i++;
    }
    return foot(html);
  }

  /** A page saying that there is nothing under that name. */
  String notFound(String name) {
    StringBuilder html = new StringBuilder(512);
    head(html, "Not found");
    html.append("<p class=\"back\"><a href=\"/\">← All packages</a></p>\n<h1>Not found</h1>\n<p>No package is named “")
      .append(escape(name)).append("”.</p>\n");
    return foot(html);
  }

  private void head(StringBuilder html, String title) {
    html.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<meta name=\"color-scheme\" content=\"light dark\">\n<title>")
      .append(escape(title)).append(" · package repository</title>\n<link rel=\"stylesheet\" href=\"")
      .append(escape(assets.stylesheet())).append("\">\n<script src=\"").append(escape(assets.script()))
      .append("\" defer></script>\n</head>\n<body>\n<header><a class=\"home\" href=\"/\">package repository</a></header>\n"
        + "<main>\n");
  }

  private static String foot(StringBuilder html) {
    return html.append("</main>\n</body>\n</html>\n").toString();
  }

  /** Text shown as it is, with a button (shown only with JavaScript on) that copies exactly that text. */
  private static void copyable(StringBuilder html, String id, String kind, String text) {
    html.append("<span class=\"copyable\"><code class=\"").append(kind).append("\" id=\"").append(id).append("\">")
      .append(escape(text)).append("</code><button type=\"button\" class=\"copy\" data-copy=\"").append(id)
      .append("\">Copy</button></span>");
  }

  private static String count(int n, String noun) {
    return String.format(Locale.ROOT, "%,d", n) + " " + noun + (n == 1 ? "" : "s");
  }

  static String size(Long bytes) {
    if (bytes == null) {
      return "—";
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
  }

  private static String date(Long millis) {
    if (millis == null) {
      return "—";
    }
    Instant instant = Instant.ofEpochMilli(millis);
    return "<time datetime=\"" + instant + "\">" + DATE.format(instant) + "</time>";
  }

  /** For HTML text and double-quoted attribute values. */
  static String escape(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (replacement != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (replacement != null) {
          out.append(replacement);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  /** One shell word meaning exactly {@code text}: as it is when that is safe, else single-quoted. */
  static String shellWord(String text) {
    return SHELL_SAFE.matcher(text).matches() ? text : "'" + text.replace("'", "'\\''") + "'";
  }
}
