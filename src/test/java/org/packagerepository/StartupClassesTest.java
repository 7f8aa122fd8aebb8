package org.packagerepository;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.RawHttp;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Start-up time is mostly class loading, and two costly sets of classes are not needed to start and serve: Jackson's
 * ObjectMapper (about 150 ms), which Vert.x would make on its first JSON, and JMX with the flight recorder behind it
 * (about 100 ms), which the runtime MXBean loads. The server in a JVM of its own logs every class it loads.
 */
class StartupClassesTest {

  @TempDir
  Path dir;
  private ServerProcess server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void startingAndServingJsonLoadsNeitherTheObjectMapperNorJmx() throws Exception {
    Path config = dir.resolve("pr-config.json");
    Files.writeString(config, TestServer.fileSystemConfig(dir.resolve("packages"),
      new JsonObject().put("port", 0).put("host", "127.0.0.1")).encode());
    server = ServerProcess.start(config, "-Xlog:class+load=info:stdout");
    byte[] bytes = TestBytes.random(100_000, 7);

    RawHttp.Response put = RawHttp.exchange(server.port(), "PUT", "/packages/app-1.0.0.tar.gz", bytes);
    assertEquals(200, put.status(), put.statusLine());
    assertEquals(TestBytes.sha256Hex(bytes), new JsonObject(new String(put.body())).getString("sha256"));
    RawHttp.Response list = RawHttp.exchange(server.port(), "GET", "/packages?detail=true", null);
    JsonArray listing = new JsonArray(new String(list.body()));
    assertEquals("app-1.0.0.tar.gz", listing.getJsonObject(0).getJsonArray("latest_versions").getJsonObject(0)
      .getString("file"));
    RawHttp.Response get = RawHttp.exchange(server.port(), "GET", "/packages/app-1.0.0.tar.gz", null);
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(get.body()));

    assertTrue(server.printed("org.packagerepository.Main "), "the class-load log is there");
    assertFalse(server.printed("com.fasterxml.jackson.databind.ObjectMapper "), "no ObjectMapper was made");
    assertFalse(server.printed("java.lang.management.ManagementFactory "), "JMX was not loaded");
    // Vert.x instantiates every service provider it finds, the Hazelcast cluster manager among them (a few interfaces
    // and its config class, about 3 ms), but without config.cluster no Hazelcast member is made, so no thread of its.
    assertFalse(server.printed("com.hazelcast.instance.impl.HazelcastInstanceFactory "), "no Hazelcast member");
    assertFalse(server.printed("com.hazelcast.internal."), "nothing of Hazelcast's machinery is loaded");
  }
}
