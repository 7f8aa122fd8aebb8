package org.packagerepository.json;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

import java.util.List;
import java.util.Map;

/**
 * Vert.x's JSON codec, with Jackson's ObjectMapper made only when something asks for a mapping to or from a Java
 * object. With jackson-databind on the class path Vert.x makes one the first time it touches JSON (reading the
 * configuration), which costs about 150 ms of start-up; the server itself only ever encodes and parses
 * {@code JsonObject} and {@code JsonArray}, which jackson-core does alone, and faster.
 *
 * <p>Registered in {@code META-INF/services/io.vertx.core.spi.JsonFactory}; Vert.x takes the factory of lowest
 * {@link #order()}, and its own has the highest.
 */
public final class LazyDatabindJsonFactory implements JsonFactory {

  private static final JsonCodec CODEC = new LazyDatabindCodec();

  @Override
  public int order() {
    return 0;
  }

  @Override
  public JsonCodec codec() {
    return CODEC;
  }

  static final class LazyDatabindCodec extends JacksonCodec {

    /** Made on first use: the holder class is initialized only then. */
    private static final class Databind {
      static final DatabindCodec CODEC = new DatabindCodec();
    }

    /** What jackson-core decodes alone: what JsonObject, JsonArray and Json.decodeValue ask for. */
    private static boolean plain(Class<?> type) {
      return type == Map.class || type == List.class || type == Object.class || type == String.class;
    }

    @Override
    public <T> T fromString(String json, Class<T> type) throws DecodeException {
      return plain(type) ? super.fromString(json, type) : Databind.CODEC.fromString(json, type);
    }

    @Override
    public <T> T fromBuffer(Buffer json, Class<T> type) throws DecodeException {
      return plain(type) ? super.fromBuffer(json, type) : Databind.CODEC.fromBuffer(json, type);
    }

    @Override
    public <T> T fromValue(Object json, Class<T> type) {
      return Databind.CODEC.fromValue(json, type);
    }

    @Override
    public String toString(Object object, boolean pretty) throws EncodeException {
      try {
        return super.toString(object, pretty);
      } catch (EncodeException e) {
        if (!needsMapping(e)) {
          throw e;
        }
        return Databind.CODEC.toString(object, pretty);
      }
    }

    @Override
    public Buffer toBuffer(Object object, boolean pretty) throws EncodeException {
      try {
        return super.toBuffer(object, pretty);
      } catch (EncodeException e) {
        if (!needsMapping(e)) {
          throw e;
        }
        return Databind.CODEC.toBuffer(object, pretty);
      }
    }

    /** jackson-core met a Java object it cannot write (an I/O failure would carry its cause). */
    private static boolean needsMapping(EncodeException e) {
      return e.getCause() == null;
    }
  }
}
