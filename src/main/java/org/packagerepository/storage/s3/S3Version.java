package org.packagerepository.storage.s3;

import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.remote.RemoteVersion;

/** What S3 says of a version: the package's view of it, and the object's own ETag (unquoted). */
record S3Version(PackageInfo info, String storeEtag) implements RemoteVersion {
}
