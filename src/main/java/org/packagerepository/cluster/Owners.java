package org.packagerepository.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;

/**
 * Which member owns a package version: rendezvous (highest random weight) hashing of the version over the live
 * members. Every member computes the same owner from the same membership, without asking anyone; when a member leaves,
 * only the versions it owned move, each to the member that scores next.
 */
final class Owners {

  private Owners() {
  }

  /** The owner of {@code version} among {@code members} (node ids); null when there are none. */
  static String owner(Collection<String> members, String version) {
    String owner = null;
    long best = 0;
    for (String member : members) {
      long score = score(member, version);
      if (owner == null || Long.compareUnsigned(score, best) > 0
        || score == best && member.compareTo(owner) > 0) {
        owner = member;
        best = score;
      }
    }
    return owner;
  }

  private static long score(String member, String version) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(member.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(version.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
