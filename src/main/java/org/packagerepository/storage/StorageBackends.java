package org.packagerepository.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The backends this build contains. */
public final class StorageBackends {

  private StorageBackends() {
  }

  /** Every backend of this build, in the order of the services file. */
  public static List<StorageBackend<?>> all() {
    List<StorageBackend<?>> backends = new ArrayList<>();
    for (StorageBackend<?> backend : ServiceLoader.load(StorageBackend.class)) {
      backends.add(backend);
    }
    return backends;
  }
}
