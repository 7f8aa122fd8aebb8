/**
 * What happens to packages, told to others: after each successful upload and deletion the HTTP side publishes a
 * {@link org.packagerepository.events.PackageEvents package event} on the event bus, without waiting for anything;
 * the {@link org.packagerepository.events.CallbackVerticle} posts them to {@code config.package_callback}.
 */
package org.packagerepository.events;
