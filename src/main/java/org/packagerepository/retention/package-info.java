/**
 * Retention ({@code config.retention}): which old versions of each package to delete
 * ({@link org.packagerepository.retention.RetentionRule}, a pure function of the listing, the last-download times and
 * "now"), the runs that delete them through the one delete path
 * ({@link org.packagerepository.retention.RetentionVerticle}, asked by {@code POST /retention} or on its interval),
 * and the last-download times they read ({@link org.packagerepository.retention.DownloadTimes}, recorded by the HTTP
 * side, kept in the store as a state object). Nothing here knows HTTP or any backend: storage is reached through
 * {@link org.packagerepository.storage.StorageClient}, the HTTP side reaches a run over the event bus.
 */
package org.packagerepository.retention;
