package org.packagerepository.json;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** JSON as Vert.x does it with jackson-databind, whether or not the ObjectMapper is made. */
class LazyDatabindJsonFactoryTest {

  /** A Java object only a mapper can write or read. */
  public static final class Release {
    public String name;
    public int build;

    public Release() {
    }

    Release(String name, int build) {
      this.name = name;
      this.build = build;
    }
  }

  @Test
  void vertxUsesIt() {
    assertInstanceOf(LazyDatabindJsonFactory.LazyDatabindCodec.class, Json.CODEC);
  }

  @Test
  void jsonObjectsAndArraysRoundTrip() {
    JsonObject original = new JsonObject().put("name", "app ✓").put("size", 5_000_000_000L).put("ratio", 0.5)
      .put("ok", true).putNull("none").put("bytes", new byte[] {1, 2, 3}).put("at", Instant.ofEpochMilli(0))
      .put("list", new JsonArray().add(1).add("two").add(new JsonObject().put("three", 3)));
    String text = original.encode();
    assertEquals("{\"name\":\"app ✓\",\"size\":5000000000,\"ratio\":0.5,\"ok\":true,\"none\":null,\"bytes\":\"AQID\","
      + "\"at\":\"1970-01-01T00:00:00Z\",\"list\":[1,\"two\",{\"three\":3}]}", text);
    assertEquals(new JsonObject(text), new JsonObject(Buffer.buffer(text)));
    assertEquals(original.getJsonArray("list"), new JsonArray(original.getJsonArray("list").toBuffer()));
    assertEquals(text, original.toBuffer().toString());
    assertEquals(new JsonObject(text), Json.decodeValue(text));
    assertEquals("{\n  \"a\" : 1\n}", new JsonObject().put("a", 1).encodePrettily());
  }

  @Test
  void javaObjectsGoThroughTheMapper() {
    JsonObject json = JsonObject.mapFrom(new Release("app", 7));
    assertEquals(new JsonObject().put("name", "app").put("build", 7), json);
    Release back = json.mapTo(Release.class);
    assertEquals("app", back.name);
    assertEquals(7, back.build);
    assertEquals("{\"name\":\"app\",\"build\":7}", Json.encode(new Release("app", 7)));
    assertEquals("{\"r\":{\"name\":\"app\",\"build\":7}}", new JsonObject().put("r", new Release("app", 7)).encode());
    assertEquals(7, Json.decodeValue("{\"name\":\"app\",\"build\":7}", Release.class).build);
    assertEquals(7, Json.decodeValue(Buffer.buffer("{\"name\":\"app\",\"build\":7}"), Release.class).build);
    assertEquals(Map.of("a", 1), Json.decodeValue("{\"a\":1}", Map.class));
    assertEquals(List.of(1, 2), Json.decodeValue("[1,2]", List.class));
  }

  @Test
  void badJsonIsStillADecodeException() {
    assertThrows(DecodeException.class, () -> new JsonObject("{\"a\":"));
    assertThrows(DecodeException.class, () -> new JsonArray(Buffer.buffer("[1,")));
    assertThrows(DecodeException.class, () -> Json.decodeValue("{\"build\":", Release.class));
  }
}
