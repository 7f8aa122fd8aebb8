package org.packagerepository.http;

import org.packagerepository.packages.PackageFile;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link PackageFile#isValid} for the names an event loop was asked for lately: a deploy asks for the same few names
 * again and again, and parsing a version costs more than the rest of answering a small range. Only valid names are
 * kept (at most {@value #CAPACITY}, the least recently asked for leave first), so no request can fill it with junk.
 * Confined to one event loop.
 */
final class ValidNames {

  static final int CAPACITY = 1024;

  private final Map<String, Boolean> recent = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > CAPACITY;
    }
  };

  boolean isValid(String file) {
    if (file == null) {
      return false;
    }
    if (recent.get(file) != null) {
      return true;
    }
    boolean valid = PackageFile.isValid(file);
    if (valid) {
      recent.put(file, Boolean.TRUE);
    }
    return valid;
  }
}
