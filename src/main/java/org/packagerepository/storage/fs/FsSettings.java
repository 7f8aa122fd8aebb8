package org.packagerepository.storage.fs;

import io.vertx.core.json.JsonObject;
import org.packagerepository.config.Settings;

import java.nio.file.Path;

/**
 * The {@code FsRepository} section of pr-config.json.
 *
 * @param root     {@code location.path}: the directory holding the packages (local disk, sshfs, a mounted volume);
 *                 {@value #DEFAULT_PATH} when empty
 * @param fsync    {@code location.fsync}: flush each upload to the disk before it is published, so that an answered
 *                 PUT survives a power loss (default true)
 * @param zeroCopy {@code location.zero_copy}: answer reads with an open file that the HTTP side sends with the
 *                 kernel's sendfile, instead of a stream over the event bus (default true)
 */
public record FsSettings(Path root, boolean fsync, boolean zeroCopy) {

  /** The directory when none is configured, relative to the working directory. */
  public static final String DEFAULT_PATH = "data/packages";
  public static final boolean DEFAULT_FSYNC = true;
  public static final boolean DEFAULT_ZERO_COPY = true;

  public static FsSettings fromJson(JsonObject section) {
    JsonObject location = section.getJsonObject("location", new JsonObject());
    String path = Settings.string(location, "path", DEFAULT_PATH);
    return new FsSettings(Path.of(path).toAbsolutePath().normalize(),
      Settings.bool(location, "fsync", DEFAULT_FSYNC, "FsRepository.location.fsync"),
      Settings.bool(location, "zero_copy", DEFAULT_ZERO_COPY, "FsRepository.location.zero_copy"));
  }
}
