package org.packagerepository.storage.s3;

import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.remote.RemoteVersion;

/**
 * What S3 says of a version: the package's view of it, the object's own ETag (unquoted), and the id of its checksum
 * object when its SHA-256 is kept in one (null otherwise).
 */
record S3Version(PackageInfo info, String storeEtag, String checksumId) implements RemoteVersion {
}
