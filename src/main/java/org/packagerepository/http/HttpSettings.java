package org.packagerepository.http;

import org.packagerepository.auth.AuthSettings;
import org.packagerepository.cluster.ClusterAuth;

/**
 * What the HTTP side is configured with, checked once by the configuration.
 *
 * @param port                 the port; a negative one makes every instance share one random port
 * @param host                 the address to listen on
 * @param allowOverwrite       whether a PUT may replace an existing package
 * @param maxPackageSize       the largest package accepted, in bytes; 0 for no limit
 * @param idleTimeoutSeconds   seconds without a byte either way after which a connection is closed
 * @param headerTimeoutSeconds seconds a new connection has to send a whole request head
 * @param bodyTimeoutSeconds   seconds an upload's body may take once it is read; 0 for no limit
 * @param tlsCert              a PEM certificate to serve HTTPS with, or null for plain HTTP
 * @param tlsKey               its PEM private key
 * @param auth                 who may do what, or null when authentication is off
 * @param peerAuth             in cluster mode, what the other members' reads carry; null otherwise
 * @param limits               the downloads one client, and the server, may have in flight
 * @param redirectAbove        downloads are redirected to the store while more than this many are in flight (0:
 *                             always); -1 never (the backend's {@code StorageBackend.redirectAbove})
 */
public record HttpSettings(int port, String host, boolean allowOverwrite, long maxPackageSize, int idleTimeoutSeconds,
                           int headerTimeoutSeconds, long bodyTimeoutSeconds, String tlsCert, String tlsKey,
                           AuthSettings auth, ClusterAuth peerAuth, DownloadLimits limits, long redirectAbove) {
}
