/**
 * What the backends of remote stores (S3, Swift) share, and the file system does not need: a base verticle that asks
 * the store what it holds at most once per revalidation interval, reads through the local cache (or straight from the
 * store), and remembers the SHA-256 of the versions it wrote or looked at by the store's own entity tag; and the
 * settings of redirecting downloads to a signed URL of the store ({@link org.packagerepository.storage.remote.RedirectSettings}).
 */
package org.packagerepository.storage.remote;
