/**
 * The storage contract: what the HTTP side and a backend's storage verticle say to each other over the event bus.
 * Nothing here knows HTTP, and nothing here knows any particular backend.
 *
 * <h2>Control messages</h2>
 * Request/reply on the {@link org.packagerepository.storage.StorageAddresses}, with {@code JsonObject} bodies.
 * Failures are {@code ReplyException}s whose failure code is a {@link org.packagerepository.storage.StorageError}
 * code and whose message is meant for a person; {@link org.packagerepository.storage.StorageClient} turns them back
 * into {@link org.packagerepository.storage.StorageException}s. Names are validated by the caller and again by
 * {@link org.packagerepository.storage.driver.StorageVerticle} before a backend sees them.
 * <ul>
 *   <li>{@code storage.list} {@code {}} → {@code {"objects": [PackageInfo...]}}: every stored object, valid package
 *   name or not; the caller builds the listing.</li>
 *   <li>{@code storage.stat} {@code {"file"}} → {@link org.packagerepository.storage.PackageInfo}.</li>
 *   <li>{@code storage.open-read} {@code {"file"}} → {@link org.packagerepository.storage.OpenedRead}: the metadata,
 *   and, where the bytes are in a local file, an open channel to exactly that version, which the caller sends with
 *   sendfile and must close. Without a channel the caller continues with {@code storage.read}.</li>
 *   <li>{@code storage.follow} {@code {"file", "etag"}} → an {@link org.packagerepository.storage.OpenedRead} with a
 *   channel, or null: after an open-read without a channel, a backend with a cache hands over the cached file, or
 *   the file its one fill of that version is writing, {@link org.packagerepository.storage.GrowingFile growing},
 *   which the caller sends with sendfile as it grows; null: continue with {@code storage.read}.</li>
 *   <li>{@code storage.read} {@link org.packagerepository.storage.ReadRequest} → {@code {}} once the backend has
 *   created the transfer's sender; the bytes follow on the transfer. The caller creates the transfer's receiver
 *   before asking. A version other than the requested etag fails with {@code CHANGED}.</li>
 *   <li>{@code storage.open-write} {@link org.packagerepository.storage.WriteRequest} → {@code {}} when the upload
 *   may proceed (conditions checked, temporary space ready, receiver created). The caller creates the transfer's
 *   sender before asking, and only then asks the client for the body. The result comes back on the transfer: the
 *   receiver completes it with the stored {@code PackageInfo} as JSON, or fails it with a
 *   {@link org.packagerepository.storage.StorageError#transferCode()}. Nothing is visible before that success.</li>
 *   <li>{@code storage.delete} {@code {"file"}} → {@code {}}.</li>
 *   <li>{@code storage.read-state} {@code {"name"}} → {@code {"state": {...}}}, or {@code {}} when that state object
 *   was never written; {@code storage.write-state} {@code {"name", "state"}} → {@code {}}. A state object is a small
 *   JSON object of the server's own (e.g. the last-download times that retention reads), named {@code [a-z0-9-]+};
 *   each backend keeps it at a hidden place beside the packages (a dot-directory or a dot-prefix) that no listing
 *   shows and no package name reaches.</li>
 *   <li>{@code storage.redirect} {@code {"file"}} → {@code {"url"}}: a short-lived URL (an S3 presigned GET, a Swift
 *   TempURL) where the store itself serves the package's current version to whoever holds it; {@code {}} (no
 *   {@code url}) from a backend that has none to give. The caller decides when to hand it out: it has checked access
 *   and opened the package first, and asks only a backend whose
 *   {@link org.packagerepository.storage.StorageBackend#redirectAbove} is not -1.</li>
 * </ul>
 *
 * <h2>Data</h2>
 * Package bytes move on a per-transfer address as a credit-controlled stream of buffers (see
 * {@link org.packagerepository.transfer}), so that memory per transfer is bounded whatever the package size, and
 * a cancellation on either side frees both.
 *
 * <h2>Backends</h2>
 * A backend is one package beside this one with a {@link org.packagerepository.storage.StorageBackend} listed in
 * {@code META-INF/services}, and a verticle extending {@link org.packagerepository.storage.driver.StorageVerticle}.
 */
package org.packagerepository.storage;
