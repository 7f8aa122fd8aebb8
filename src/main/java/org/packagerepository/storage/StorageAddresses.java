package org.packagerepository.storage;

/** The well-known event-bus addresses of the storage verticle of the configured backend. */
public final class StorageAddresses {

  public static final String LIST = "storage.list";
  public static final String STAT = "storage.stat";
  public static final String OPEN_READ = "storage.open-read";
  public static final String READ = "storage.read";
  public static final String FOLLOW = "storage.follow";
  public static final String OPEN_WRITE = "storage.open-write";
  public static final String DELETE = "storage.delete";
  /** A short-lived URL where the store itself serves a package's bytes, for backends that can give one. */
  public static final String REDIRECT = "storage.redirect";
  /** What the backend counts (its cache's hits, misses, ...), as JSON; empty where it counts nothing. */
  public static final String COUNTERS = "storage.counters";
  /** Whether the backend can serve now (its directory, bucket or container is reachable); for readiness probes. */
  public static final String HEALTH = "storage.health";
  /**
   * A small JSON object of the server's own, by name ({@code [a-z0-9-]}, e.g. {@code download-times}): kept in the
   * store at a place that no listing shows and no package name can reach, so that it survives restarts and is shared
   * by the members of a cluster.
   */
  public static final String READ_STATE = "storage.read-state";
  /** Replaces a state object (see {@link #READ_STATE}) as a whole. */
  public static final String WRITE_STATE = "storage.write-state";
  /**
   * Another writer changed a package ({@code {"file"}}), or may have changed any ({@code {}}: a member that missed
   * changes while it was cut off from the others): what the backend knows of it no longer holds. A message, no reply.
   */
  public static final String CHANGED = "storage.changed";

  private StorageAddresses() {
  }
}
