package org.packagerepository.storage;

import org.packagerepository.config.ConfigException;

import java.util.Optional;
import java.util.ServiceLoader;

/** The backends this build contains. */
public final class StorageBackends {

  private StorageBackends() {
  }

  public static Optional<StorageBackend> find(String name) {
    for (StorageBackend backend : ServiceLoader.load(StorageBackend.class)) {
      if (backend.name().equals(name)) {
        return Optional.of(backend);
      }
    }
    return Optional.empty();
  }

  /** @throws ConfigException naming the configuration section when this build has no such backend */
  public static StorageBackend require(String name, String section) {
    return find(name).orElseThrow(() -> new ConfigException(section + " is configured, but this version of the "
      + "server has no " + name + " backend yet: configure FsRepository instead"));
  }
}
