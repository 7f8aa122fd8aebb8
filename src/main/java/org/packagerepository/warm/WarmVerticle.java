package org.packagerepository.warm;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.StorageClient;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Warms the caches of every member before a rollout ({@code POST /warm}) and tells how far each has got
 * ({@code GET /warm/<id>}). The member asked tells every member, itself included, to warm the files; each keeps its
 * own progress and answers for it when asked, so that nothing is shared but the messages. One instance per server.
 * The warm is answered once every member has taken it (or not answered in time): a status asked right after it
 * finds it on each.
 *
 * <p>Event-bus protocol: {@link #START} and {@link #STATUS} are this server's (local), answered with the JSON that
 * the HTTP side sends; {@link #RUN} and {@link #PROGRESS} plus a member's id are that member's own addresses.
 * Messages between members are signed by the {@link Fleet}.
 */
public final class WarmVerticle extends VerticleBase {

  /** {@code {"files": [...]}} → {@code {"id", "members"}}. */
  public static final String START = "warm.start";
  /** {@code {"id"}} → the warm's state on every member; fails with 404 when no member knows it. */
  public static final String STATUS = "warm.status";
  static final String RUN = "pr.warm.run.";
  static final String PROGRESS = "pr.warm.progress.";
  /** A member that does not answer within this long is shown as not answering. */
  static final long MEMBER_TIMEOUT_MS = 3_000;
  /** A finished warm is remembered this long, and at most this many warms. */
  static final long KEPT_MS = 60 * 60 * 1000L;
  static final int KEPT_WARMS = 1_000;

  private final Fleet fleet;
  private final Map<String, MemberWarm> warms = new LinkedHashMap<>();
  private StorageClient storage;

  public WarmVerticle(Fleet fleet) {
    this.fleet = fleet;
  }

  @Override
  public Future<?> start() {
    storage = new StorageClient(vertx);
    EventBus bus = vertx.eventBus();
    return Future.all(
      bus.<JsonObject>localConsumer(START, this::start).completion(),
      bus.<JsonObject>localConsumer(STATUS, this::status).completion(),
      bus.<String>consumer(RUN + fleet.self(), this::run).completion(),
      bus.<String>consumer(PROGRESS + fleet.self(), this::progress).completion());
  }

  private void start(Message<JsonObject> message) {
    String id = UUID.randomUUID().toString();
    JsonArray files = message.body().getJsonArray("files");
    String body = new JsonObject().put("id", id).put("files", files).encode();
    List<Future<?>> taken = new ArrayList<>();
    for (String member : fleet.members()) {
      taken.add(vertx.eventBus().request(RUN + member, body, fleet.signed(body).setSendTimeout(MEMBER_TIMEOUT_MS)));
    }
    Future.join(taken).onComplete(ar -> message.reply(new JsonObject().put("id", id)
      .put("members", taken.stream().filter(Future::succeeded).count())));
  }

  private void run(Message<String> message) {
    if (!fleet.verified(message.body(), message.headers())) {
      message.fail(403, "Only the members of the cluster ask here");
      return;
    }
    JsonObject body = new JsonObject(message.body());
    forgetOld();
    List<String> files = new ArrayList<>();
    body.getJsonArray("files").forEach(file -> files.add(String.valueOf(file)));
    MemberWarm warm = new MemberWarm(context, storage, files);
    warms.put(body.getString("id"), warm);
    message.reply("taken");
    warm.start();
  }

  private void progress(Message<String> message) {
    if (!fleet.verified(message.body(), message.headers())) {
      message.fail(403, "Only the members of the cluster ask here");
      return;
    }
    MemberWarm warm = warms.get(new JsonObject(message.body()).getString("id"));
    JsonObject answer = warm == null ? new JsonObject().put("state", "unknown")
      .put("reason", "this member does not know this warm (it joined or restarted after it, or forgot it)")
      : warm.toJson();
    message.reply(answer.put("member", fleet.name()).encode());
  }

  /** Asks every member for its progress; the warm is done when every member is, failed when any failed. */
  private void status(Message<JsonObject> message) {
    String id = message.body().getString("id");
    String body = new JsonObject().put("id", id).encode();
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (String member : fleet.members()) {
      DeliveryOptions options = fleet.signed(body).setSendTimeout(MEMBER_TIMEOUT_MS);
      answers.add(vertx.eventBus().<String>request(PROGRESS + member, body, options)
        .map(reply -> new JsonObject(reply.body()))
        .otherwise(e -> new JsonObject().put("member", member).put("state", "unknown")
          .put("reason", "did not answer: " + e.getMessage())));
    }
    Future.join(answers).onComplete(ar -> {
      JsonArray members = new JsonArray();
      answers.forEach(answer -> members.add(answer.result()));
      boolean known = members.stream().anyMatch(m -> ((JsonObject) m).containsKey("started"));
      if (!known) {
        message.fail(404, "No warm " + id + " is known to any member (a finished warm is kept for an hour)");
        return;
      }
      message.reply(new JsonObject().put("id", id).put("state", overall(members)).put("members", members));
    });
  }

  private static String overall(JsonArray members) {
    boolean failed = false;
    for (Object member : members) {
      String state = ((JsonObject) member).getString("state");
      if ("running".equals(state)) {
        return "running";
      }
      failed |= !"done".equals(state);
    }
    return failed ? "failed" : "done";
  }

  private void forgetOld() {
    Iterator<MemberWarm> old = warms.values().iterator();
    while (old.hasNext()) {
      MemberWarm warm = old.next();
      if (warms.size() >= KEPT_WARMS || warm.finishedFor(KEPT_MS)) {
        old.remove();
      }
    }
  }
}
