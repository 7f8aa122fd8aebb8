package org.packagerepository.storage;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a stream of chunks, as lowercase hex. Every backend stores it with a package.
 *
 * <p>Bytes are always handed to the digest as an array range: on Java 17, {@code MessageDigest.update(ByteBuffer)} with a
 * heap buffer ran at 13 to 25 MiB/s in a standalone test (the array path at 1.4 GiB/s) and was the whole cost of an
 * upload.
 */
public final class Sha256 {

  private static final int SCRATCH_BYTES = 64 * 1024;
  private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("[0-9a-f]{64}");

  private final MessageDigest digest = newDigest();
  private byte[] scratch;

  /** Whether {@code text} is a SHA-256 as this server writes it: 64 lower-case hexadecimal digits. */
  public static boolean isHex(String text) {
    return text != null && HEX.matcher(text).matches();
  }

  public void update(Buffer chunk) {
    ByteBuf buf = ((BufferInternal) chunk).getByteBuf();
    int length = buf.readableBytes();
    if (buf.hasArray()) {
      digest.update(buf.array(), buf.arrayOffset() + buf.readerIndex(), length);
      return;
    }
    for (int done = 0; done < length; ) {
      int n = Math.min(length - done, scratch().length);
      buf.getBytes(buf.readerIndex() + done, scratch, 0, n);
      digest.update(scratch, 0, n);
      done += n;
    }
  }

  /** Consumes the buffer's remaining bytes. */
  public void update(ByteBuffer buffer) {
    if (buffer.hasArray()) {
      digest.update(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
      buffer.position(buffer.limit());
      return;
    }
    while (buffer.hasRemaining()) {
      int n = Math.min(buffer.remaining(), scratch().length);
      buffer.get(scratch, 0, n);
      digest.update(scratch, 0, n);
    }
  }

  /** The digest of everything so far; the instance is reset afterwards. */
  public String hex() {
    return HexFormat.of().formatHex(digest.digest());
  }

  private byte[] scratch() {
    if (scratch == null) {
      scratch = new byte[SCRATCH_BYTES];
    }
    return scratch;
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }
}
