/**
 * What happens to packages, told to others: after each successful upload and deletion a
 * {@link org.packagerepository.events.PackageEvents package event} is published on the event bus, without waiting for
 * anything; the {@link org.packagerepository.events.CallbackVerticle} posts them to {@code config.package_callback}.
 * Every deletion, by a client or by retention, goes through {@link org.packagerepository.events.PackageDeletion}, so
 * that none goes untold.
 */
package org.packagerepository.events;
