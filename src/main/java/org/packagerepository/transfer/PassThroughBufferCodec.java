package org.packagerepository.transfer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * {@code Buffer} codec that does not copy on local delivery: {@link #transform(Buffer)} returns its argument, so the
 * receiver gets the very instance the sender sent. The wire format (for a clustered bus) is the one of the built-in
 * buffer codec: a 4-byte length then the bytes.
 */
final class PassThroughBufferCodec implements MessageCodec<Buffer, Buffer> {

  static final PassThroughBufferCodec INSTANCE = new PassThroughBufferCodec();

  private PassThroughBufferCodec() {
  }

  @Override
  public void encodeToWire(Buffer buffer, Buffer b) {
    buffer.appendInt(b.length());
    buffer.appendBuffer(b);
  }

  @Override
  public Buffer decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    pos += 4;
    // copy: the wire buffer belongs to the transport
    return buffer.getBuffer(pos, pos + length);
  }

  @Override
  public Buffer transform(Buffer b) {
    return b;
  }

  @Override
  public String name() {
    return Transfers.BUFFER_CODEC_NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
