package org.packagerepository.storage.remote;

import org.packagerepository.storage.PackageInfo;

/** What a remote store says of one version of a package. */
public interface RemoteVersion {

  /** The version as the storage contract describes it (its entity tag is the SHA-256 where the object carries it). */
  PackageInfo info();

  /** The store's own entity tag of this version, which listings carry too (unlike the object's metadata). */
  String storeEtag();

  /** An entity tag as a store sends it, without its quotes; "" when there is none. */
  static String unquote(String eTag) {
    if (eTag == null) {
      return "";
    }
    return eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"") ? eTag.substring(1, eTag.length() - 1) : eTag;
  }
}
