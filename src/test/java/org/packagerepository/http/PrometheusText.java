package org.packagerepository.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Samples of a Prometheus text exposition, by metric name and labels, for tests. */
public final class PrometheusText {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One sample: its metric name, labels and value. */
  public record Sample(String name, Map<String, String> labels, double value) {
  }

  private final java.util.List<Sample> samples = new java.util.ArrayList<>();

  public PrometheusText(String text) {
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.trim());
      if (!m.matches()) {
        throw new AssertionError("Not a Prometheus sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
    }
  }

  /** The sum of the samples of {@code name} whose labels include {@code labels} (name/value pairs). */
  public double sum(String name, String... labels) {
    double total = 0;
    for (Sample sample : samples) {
      if (sample.name().equals(name) && matches(sample.labels(), labels)) {
        total += sample.value();
      }
    }
    return total;
  }

  public boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  private static boolean matches(Map<String, String> labels, String... wanted) {
    for (int i = 0; i < wanted.length; i += 2) {
      if (!wanted[i + 1].equals(labels.get(wanted[i]))) {
        return false;
      }
    }
    return true;
  }
}
