package org.packagerepository.storage.swift;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token's life cycle, with a login and a clock under the test's control. */
class SwiftAuthTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(1_000 * SECOND);
  private final List<Promise<SwiftSession>> logins = new ArrayList<>();
  private final SwiftAuth auth = new SwiftAuth(() -> {
    Promise<SwiftSession> login = Promise.promise();
    logins.add(login);
    return login.future();
  }, 60 * SECOND, now::get);

  private SwiftSession session(String token, long lifeSeconds) {
    return new SwiftSession("http://swift/v1/AUTH_test", token, now.get() + lifeSeconds * SECOND);
  }

  @Test
  void concurrentCallersShareOneLoginAndTheTokenIsKeptUntilShortlyBeforeItExpires() {
    Future<SwiftSession> a = auth.session();
    Future<SwiftSession> b = auth.session();
    assertEquals(1, logins.size(), "one login for both");
    logins.get(0).complete(session("t1", 3600));
    assertEquals("t1", a.result().token());
    assertSame(a.result(), b.result());

    now.addAndGet((3600 - 61) * SECOND);
    assertEquals("t1", auth.session().result().token(), "still more than the margin left");
    assertEquals(1, logins.size());

    now.addAndGet(2 * SECOND);
    Future<SwiftSession> renewed = auth.session();
    assertEquals(2, logins.size(), "renewed before it expires, not after a refusal");
    logins.get(1).complete(session("t2", 3600));
    assertEquals("t2", renewed.result().token());
  }

  @Test
  void aRejectedTokenIsReplacedOnceAndAFailedLoginIsTriedAgain() {
    Future<SwiftSession> first = auth.session();
    logins.get(0).complete(session("t1", 3600));

    auth.rejected(first.result());
    Future<SwiftSession> second = auth.session();
    assertEquals(2, logins.size());
    logins.get(1).fail("the authentication service is down");
    assertTrue(second.failed());

    auth.rejected(first.result());   // a late 401 for an old token changes nothing more
    Future<SwiftSession> third = auth.session();
    assertEquals(3, logins.size(), "a failed login is not kept");
    logins.get(2).complete(session("t3", 3600));
    assertEquals("t3", third.result().token());

    auth.rejected(first.result());   // not the current token: kept
    assertEquals("t3", auth.session().result().token());
    assertEquals(3, logins.size());
  }
}
